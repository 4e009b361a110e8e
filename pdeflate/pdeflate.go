// Package pdeflate compresses one deflate stream on every CPU at once, in
// the way pigz does: the input is cut into chunks of ChunkSize, each deflated
// on its own goroutine at flate.BestSpeed and ended with a sync flush, which
// leaves it byte-aligned and not final, so the chunks written in order are
// one valid stream; the last chunk is closed to end it. Chunks share no
// window: the output grows by well under 1%.
//
// It is the compressor of the workbooks package report writes, whose big
// 明细 sheets would otherwise take one core for seconds; report's
// BenchmarkBookDeflate weighs it against compress/flate on a real report.
package pdeflate

import (
	"bytes"
	"compress/flate"
	"io"
	"runtime"
	"sync"
)

// ChunkSize is how much of the stream one goroutine compresses.
const ChunkSize = 1 << 20

var flateWriters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed) // never fails for a valid level
	return w
}}

// chunkBufs recycles the chunks' input buffers: a workbook has dozens of
// entries, most of a few KB, and each would otherwise take a fresh 1 MB.
var chunkBufs = sync.Pool{New: func() any {
	b := make([]byte, 0, ChunkSize)
	return &b
}}

// writer is the parallel deflate stream NewWriter returns.
type writer struct {
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

// NewWriter returns a deflate stream to w that compresses on up to
// GOMAXPROCS goroutines at once. Its signature is archive/zip's Compressor:
// zip.Writer.RegisterCompressor(zip.Deflate, pdeflate.NewWriter). It never
// fails; Close returns the first error of compressing or writing.
func NewWriter(w io.Writer) (io.WriteCloser, error) {
	n := runtime.GOMAXPROCS(0)
	d := &writer{w: w, pending: make(chan *chunk, 2*n), slots: make(chan struct{}, n), done: make(chan error, 1)}
	go d.drain()
	return d, nil
}

// Write buffers p and hands each full chunk to a compressing goroutine.
func (d *writer) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if d.buf == nil {
			d.buf = (*chunkBufs.Get().(*[]byte))[:0]
		}
		k := min(len(p), ChunkSize-len(d.buf))
		d.buf, p = append(d.buf, p[:k]...), p[k:]
		if len(d.buf) == ChunkSize {
			d.submit(false)
		}
	}
	return n, nil
}

// Close compresses what is left as the final chunk and waits until every
// chunk is written; it returns the first error of either side.
func (d *writer) Close() error {
	d.submit(true)
	close(d.pending)
	return <-d.done
}

func (d *writer) submit(last bool) {
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
func (d *writer) drain() {
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
