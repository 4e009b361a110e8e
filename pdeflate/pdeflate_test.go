package pdeflate

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	mixed := make([]byte, 3*ChunkSize+12345)
	for i := range mixed {
		if i%3 == 0 {
			mixed[i] = byte(rng.IntN(256))
		} else {
			mixed[i] = "<row><c>线索</c></row>"[i%len("<row><c>线索</c></row>")]
		}
	}
	for _, tc := range []struct {
		name   string
		data   []byte
		writes int // how many Write calls carry it
	}{
		{"empty", nil, 0},
		{"small", []byte("<worksheet/>"), 1},
		{"exactly one chunk", bytes.Repeat([]byte("a"), ChunkSize), 1},
		{"several chunks in odd writes", mixed, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			w, err := NewWriter(&out)
			require.NoError(t, err)
			rest := tc.data
			for i := tc.writes; i > 0; i-- {
				k := len(rest) / i
				n, err := w.Write(rest[:k])
				require.NoError(t, err)
				require.Equal(t, k, n)
				rest = rest[k:]
			}
			require.NoError(t, w.Close())
			got, err := io.ReadAll(flate.NewReader(&out))
			require.NoError(t, err)
			require.Equal(t, len(tc.data), len(got))
			require.True(t, bytes.Equal(tc.data, got), "the chunks make one stream")
		})
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestReportsWriteErrors(t *testing.T) {
	w, err := NewWriter(failWriter{})
	require.NoError(t, err)
	_, err = w.Write(bytes.Repeat([]byte("x"), 3*ChunkSize))
	require.NoError(t, err)
	require.ErrorContains(t, w.Close(), "disk full")
}
