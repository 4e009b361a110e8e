package report

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/pdeflate"
)

// BenchmarkBookDeflate weighs what package pdeflate buys: the entries of a
// real daily report (8,000 and 200,000 synthetic rows, as in
// BenchmarkReportDay; CLUEBOT_BENCH_DEFLATE_ROWS replaces them) written
// into a zip through compress/flate at the same level (BestSpeed, one
// core), through archive/zip's default deflate (DefaultCompression, one
// core) and through pdeflate (BestSpeed, every core): the time a workbook
// (ns/op, MB/s of uncompressed XML) and the zip's size (zip-MiB).
func BenchmarkBookDeflate(b *testing.B) {
	sizes := []int{8_000, 200_000}
	if n := benchRows(b, "CLUEBOT_BENCH_DEFLATE_ROWS", 0); n > 0 {
		sizes = []int{n}
	}
	compressors := []struct {
		name string
		new  zip.Compressor // nil is archive/zip's own
	}{
		{"flate-bestspeed", func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) }},
		{"flate-default", nil},
		{"pdeflate", pdeflate.NewWriter},
	}
	for _, n := range sizes {
		entries, size := bookEntries(b, n)
		for _, c := range compressors {
			b.Run(fmt.Sprintf("rows=%d/%s", n, c.name), func(b *testing.B) {
				b.SetBytes(size)
				var out bytes.Buffer
				for b.Loop() {
					out.Reset()
					zw := zip.NewWriter(&out)
					if c.new != nil {
						zw.RegisterCompressor(zip.Deflate, c.new)
					}
					for _, e := range entries {
						w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
						require.NoError(b, err)
						_, err = w.Write(e.data)
						require.NoError(b, err)
					}
					require.NoError(b, zw.Close())
				}
				b.ReportMetric(float64(out.Len())/(1<<20), "zip-MiB")
			})
		}
	}
}

type bookEntry struct {
	name string
	data []byte
}

// bookEntries writes the daily report of a day of n synthetic clues and
// returns its zip entries uncompressed, and their total size.
func bookEntries(b *testing.B, n int) ([]bookEntry, int64) {
	b.Helper()
	var buf bytes.Buffer
	_, err := Write(context.Background(), synthSource{n: n}, reportDay, Options{Zone: shanghai, Fields: sampleFields}, &buf)
	require.NoError(b, err)
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(b, err)
	var entries []bookEntry
	var size int64
	for _, f := range zr.File {
		r, err := f.Open()
		require.NoError(b, err)
		data, err := io.ReadAll(r)
		require.NoError(b, err)
		require.NoError(b, r.Close())
		entries = append(entries, bookEntry{f.Name, data})
		size += int64(len(data))
	}
	b.Logf("rows=%d: a %.1f MiB workbook of %d entries, %.1f MiB uncompressed", n,
		float64(buf.Len())/(1<<20), len(entries), float64(size)/(1<<20))
	return entries, size
}
