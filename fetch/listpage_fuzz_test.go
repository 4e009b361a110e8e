package fetch_test

import (
	"bytes"
	"context"
	stdjson "encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/clue/cluetest"
	"github.com/cluebot/cluebot/fetch"
)

// pageTransport answers every request with the fuzzed body.
type pageTransport struct {
	status int
	body   []byte
}

func (p pageTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
	return &http.Response{StatusCode: p.status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(p.body)), Request: req}, nil
}

// staticToken is a TokenSource whose refresh hands out the same token, so
// an auth failure is retried once and then returned as the *APIError.
type staticToken struct{}

func (staticToken) Token(context.Context) (string, error)           { return "fuzz-token", nil }
func (staticToken) Refresh(context.Context, string) (string, error) { return "fuzz-token", nil }

// FuzzListPage feeds arbitrary bytes to the client as the clue-list response
// (the envelope and its page), through the exported ListClues. It never
// panics, and it either fails with an *APIError or returns a page whose clues
// all have decimal ids and the requested advertiser; when encoding/json reads
// the body as a code-0 envelope with a details list, every record is either
// returned or counted as skipped, each returned clue is that record's; one
// without a details list (data or details null or absent) fails with
// ErrNoPage.
func FuzzListPage(f *testing.F) {
	for _, file := range []string{"testdata/clue-list-sample.json", "testdata/clue-list-variant.json"} {
		data, err := os.ReadFile(file)
		require.NoError(f, err)
		f.Add(data)
	}
	for _, s := range []string{
		`{"code": 0, "data": {"total_count": "7", "details": [{"id": 1}, 2, null, {"id": "x"}]}, "request_id": 5}`,
		`{"code": 0, "data": null}`, `{"code": 0}`, `{"code": null, "data": {}}`, `{"code": "0", "data": []}`,
		`{"code": 40001, "message": "access token expired"}`, `{"code": 0, "data": {"details": {"id": 1}}}`,
		`{"code": 0, "data": {"total_count": 1e999, "details": [{"id": 18446744073709551616}]}}`,
		`{"code": 0.5, "data": {"details": []}}`, `[]`, `null`, ``, `{"code": 0, "data": ` + strings.Repeat("[", 3000) + `}`,
	} {
		f.Add([]byte(s))
	}
	cfg := &fetch.Config{BaseURL: "http://kuaishou.fuzz", PageSize: 20, Timeout: 5 * time.Second}
	f.Fuzz(func(t *testing.T, body []byte) {
		hc := &http.Client{Transport: pageTransport{status: http.StatusOK, body: body}}
		c := fetch.NewClient(cfg, hc, nil)
		page, err := c.ListClues(context.Background(), staticToken{}, fetch.ListRequest{AdvertiserID: 42, Page: 1})
		if err != nil {
			var apiErr *fetch.APIError
			require.ErrorAs(t, err, &apiErr)
			require.Nil(t, page)
		} else {
			require.NotNil(t, page)
			for _, cl := range page.Clues {
				require.Equal(t, int64(42), cl.AdvertiserID)
				cluetest.RequireIDShape(t, "id", cl.ID)
				require.NotEmpty(t, cl.ID)
				again, err := clue.Decode(cl.Raw)
				require.NoError(t, err)
				require.Equal(t, cl.ID, again.ID)
			}
		}

		var env struct {
			Code stdjson.RawMessage `json:"code"`
			Data *struct {
				Details *[]stdjson.RawMessage `json:"details"`
			} `json:"data"`
		}
		if !utf8.Valid(body) || stdjson.Unmarshal(body, &env) != nil || string(env.Code) != "0" {
			return
		}
		if env.Data == nil || env.Data.Details == nil {
			require.ErrorIs(t, err, fetch.ErrNoPage, "a code-0 envelope without a details list is no page")
			return
		}
		details := *env.Data.Details
		require.NoError(t, err, "a code-0 envelope with a details list is a page")
		require.Equal(t, len(details), len(page.Clues)+page.Skipped,
			"every record is returned or counted as skipped")
		i := 0
		for _, rec := range details {
			var obj map[string]stdjson.RawMessage
			if stdjson.Unmarshal(rec, &obj) != nil || obj == nil || cluetest.HasCaseTwins(obj) {
				return // the next comparisons need records read the same way
			}
			if id := cluetest.ExpectedID(obj["id"]); id != "" {
				require.Less(t, i, len(page.Clues))
				require.Equal(t, id, page.Clues[i].ID.String(), "clues keep the page's order and ids")
				i++
			}
		}
		require.Equal(t, len(page.Clues), i)
	})
}
