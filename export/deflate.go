package export

import (
	"bytes"
	"compress/flate"
	"io"
	"runtime"
	"sync"
)

// deflateChunk is how much of a zip entry one goroutine compresses.
const deflateChunk = 1 << 20

var flateWriters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed) // never fails for a valid level
	return w
}}

// chunkBufs recycles the chunks' input buffers: a workbook has dozens of
// entries, most of a few KB, and each would otherwise take a fresh 1 MB.
var chunkBufs = sync.Pool{New: func() any {
	b := make([]byte, 0, deflateChunk)
	return &b
}}

// parallelDeflate compresses a zip entry in chunks on every CPU at once,
// for the big 明细 sheets that would otherwise take one core for seconds.
// Each chunk is deflated on its own and ended with a sync flush, which
// leaves it byte-aligned and not final, so the chunks in order are one valid
// deflate stream (as pigz does); the last chunk is closed to end it. Chunks
// don't share a window: the file grows by well under 1%.
type parallelDeflate struct {
	w       io.Writer
	buf     []byte
	pending chan *chunk // in submission order
	slots   chan struct{}
	done    chan error
}

type chunk struct {
	in    []byte
	out   bytes.Buffer
	err   error
	ready chan struct{}
}

func newParallelDeflate(w io.Writer) (io.WriteCloser, error) {
	n := runtime.GOMAXPROCS(0)
	d := &parallelDeflate{w: w, pending: make(chan *chunk, 2*n), slots: make(chan struct{}, n), done: make(chan error, 1)}
	go d.drain()
	return d, nil
}

// Write buffers p and hands each full chunk to a compressing goroutine.
func (d *parallelDeflate) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if d.buf == nil {
			d.buf = (*chunkBufs.Get().(*[]byte))[:0]
		}
		k := min(len(p), deflateChunk-len(d.buf))
		d.buf, p = append(d.buf, p[:k]...), p[k:]
		if len(d.buf) == deflateChunk {
			d.submit(false)
		}
	}
	return n, nil
}

// Close compresses what is left as the final chunk and waits until every
// chunk is written; it returns the first error of either side.
func (d *parallelDeflate) Close() error {
	d.submit(true)
	close(d.pending)
	return <-d.done
}

func (d *parallelDeflate) submit(last bool) {
	c := &chunk{in: d.buf, ready: make(chan struct{})}
	d.buf = nil
	d.slots <- struct{}{}
	go func() {
		defer func() { <-d.slots; close(c.ready) }()
		fw := flateWriters.Get().(*flate.Writer)
		defer flateWriters.Put(fw)
		fw.Reset(&c.out)
		_, c.err = fw.Write(c.in)
		// The input is done with: only the (smaller) output waits in line.
		in := c.in[:0]
		c.in = nil
		chunkBufs.Put(&in)
		if c.err != nil {
			return
		}
		if last {
			c.err = fw.Close()
		} else {
			c.err = fw.Flush()
		}
	}()
	d.pending <- c
}

// drain writes the compressed chunks out in order.
func (d *parallelDeflate) drain() {
	var err error
	for c := range d.pending {
		<-c.ready
		if err == nil {
			err = c.err
		}
		if err == nil {
			_, err = d.w.Write(c.out.Bytes())
		}
	}
	d.done <- err
}
