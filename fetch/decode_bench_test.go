package fetch_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	sim "github.com/cluebot/cluebot/sim/kuaishou"
)

// BenchmarkDecodePage measures the client's decoding of one page of 500
// realistic clues (envelope, page and every record), with each JSON decoder,
// the network left out: the part of BenchmarkSync the decoder choice touches.
func BenchmarkDecodePage(b *testing.B) {
	s := sim.New(sim.Options{Seed: 1})
	s.AddAccount(42, "bench-token", "")
	now := time.Now()
	s.Generate(42, 500, now.Add(-time.Hour), now)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, sim.ListPath, strings.NewReader(`{"advertiser_id":42,"page":1,"page_size":500}`))
	req.Header.Set("access-token", "bench-token")
	s.ServeHTTP(rec, req)
	body := rec.Body.Bytes()
	require.True(b, bytes.Contains(body, []byte(`"code":0`)), "%.200s", body)
	cfg := &fetch.Config{BaseURL: "http://kuaishou.bench", PageSize: 500, Timeout: 5 * time.Second}
	c := fetch.NewClient(cfg, &http.Client{Transport: pageTransport{status: http.StatusOK, body: body}}, nil)
	for _, dec := range []string{"std", "goccy"} {
		b.Run("json="+dec, func(b *testing.B) {
			fetch.UseStdJSON(dec == "std")
			b.Cleanup(func() { fetch.UseStdJSON(false) })
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				page, err := c.ListClues(context.Background(), staticToken{}, fetch.ListRequest{AdvertiserID: 42, Page: 1})
				if err != nil || len(page.Clues) != 500 {
					b.Fatal(err, fmt.Sprint(len(page.Clues)))
				}
			}
			b.ReportMetric(500*float64(b.N)/b.Elapsed().Seconds(), "clues/s")
		})
	}
}
