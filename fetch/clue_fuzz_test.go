package fetch_test

import (
	"bytes"
	"context"
	stdjson "encoding/json"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
)

// fuzzSeedRecords returns every record of the vendor sample and the variant
// page, each as its own JSON, plus records a hostile or broken vendor could
// send: huge and fractional ids, nulls, wrong shapes, deep nesting, escapes,
// zero-width and right-to-left characters.
func fuzzSeedRecords(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, file := range []string{"testdata/clue-list-sample.json", "testdata/clue-list-variant.json"} {
		data, err := os.ReadFile(file)
		require.NoError(tb, err)
		var page struct {
			Data struct {
				Details []stdjson.RawMessage `json:"details"`
			} `json:"data"`
		}
		require.NoError(tb, stdjson.Unmarshal(data, &page))
		for _, r := range page.Data.Details {
			out = append(out, []byte(r))
		}
	}
	deep := strings.Repeat("[", 5000) + strings.Repeat("]", 5000)
	for _, s := range []string{
		`{"id": 1974516040085363860123}`,
		`{"id": 99999999999999999999999999999999999999999999999999999999999999999999}`,
		`{"id": "  197451604008536387 "}`,
		`{"id": 1e400}`, `{"id": 1.5}`, `{"id": -7}`, `{"id": 0}`, `{"id": "0"}`, `{"id": "00"}`,
		`{"id": null}`, `{"id": true}`, `{"id": {"id": 1}}`, `{"id": [1]}`, `{"id": "1\u0000"}`,
		`{"id": "\u0031\u0032"}`, `{"id": 1, "id": "x"}`, `{"ID": 5}`,
		`{"id": 1, "clue_tag": 1e300, "phone_stat": "201", "intention_id": true, "sea_type": "x"}`,
		`{"id": 1, "user_name": 12345678901234567890, "phone": null, "page_name": {"a": [1]}}`,
		`{"id": 1, "details": {"key": "电话", "value": "1"}, "form": [], "schedule": "x", "icc_info": 7}`,
		`{"id": 1, "details": [null, 1, "x", {"key": "k", "value": ["a"], "store_info": []}]}`,
		`{"id": 1, "child_intention_tag": [{"child_intention_id": "9"}, null, []]}`,
		`{"id": 1, "user_name": "\u200b\u202e@所有人 [点我](http://x) <at user_id=\"all\">"}`,
		`{"id": 1, "details": ` + deep + `}`,
		`{"id": 1, "user_name": "\ud800"}`,
		"{\"id\": 1, \"user_name\": \"\xff\xfe\"}",
		`null`, `[]`, `"x"`, `1`, `{`, ``, `{"id": 1}garbage`,
	} {
		out = append(out, []byte(s))
	}
	return out
}

// expectedID reads an id the way fetch.ID documents it, with encoding/json as
// an independent decoder: a positive decimal number or quoted decimal number
// (surrounding spaces trimmed), kept digit for digit; anything else is no id.
func expectedID(raw stdjson.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	s := string(raw)
	if len(raw) > 0 && raw[0] == '"' {
		if stdjson.Unmarshal(raw, &s) != nil {
			return ""
		}
		s = strings.TrimSpace(s)
	}
	if s == "0" || len(s) > fetch.MaxIDDigits || !isDigits(s) {
		return ""
	}
	return s
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// requireIDShape checks that an id is empty or a decimal string, never a
// float rendering, a sign, a zero or JSON text.
func requireIDShape(t *testing.T, what string, id fetch.ID) {
	t.Helper()
	s := id.String()
	require.True(t, s == "" || (s != "0" && isDigits(s)), "%s %q is not a decimal id", what, s)
	b, err := id.MarshalJSON()
	require.NoError(t, err)
	require.Equal(t, strconv.Quote(s), string(b), "%s must marshal as a JSON string", what)
}

// expectedStr is fetch.Str's documented reading of a flat field: a string's
// text, a number's literal, "" for null or absent.
func expectedStr(raw stdjson.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", true
	case raw[0] == '"':
		var s string
		return s, stdjson.Unmarshal(raw, &s) == nil
	case raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9':
		return string(raw), true
	}
	return "", false // objects and lists: not checked here
}

// expectedInt is fetch.Int's reading of an integer literal, a quoted integer,
// a bool or null; ok is false for values it does not pin down (floats).
func expectedInt(raw stdjson.RawMessage) (int64, bool) {
	raw = bytes.TrimSpace(raw)
	s := string(raw)
	switch s {
	case "", "null", "false":
		return 0, true
	case "true":
		return 1, true
	}
	if raw[0] == '"' {
		if stdjson.Unmarshal(raw, &s) != nil {
			return 0, false
		}
		s = strings.TrimSpace(s)
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	if raw[0] == '"' {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return 0, true // a string that is no number at all reads as 0
		}
	}
	return 0, false
}

// checkClue compares a decoded clue with what encoding/json reads from the
// same record, for the id and the flat fields.
func checkClue(t *testing.T, rec []byte, c fetch.Clue, err error) {
	t.Helper()
	if err == nil {
		require.NotEmpty(t, c.ID, "a decoded clue has an id")
		require.Equal(t, rec, []byte(c.Raw), "Raw keeps the record as sent")
	}
	for what, id := range map[string]fetch.ID{"id": c.ID, "account_id": c.AccountID, "user_id": c.UserID,
		"page_id": c.PageID, "clue_source.page_id": c.ClueSource.PageID, "dsp_campaign_id": c.ClueSource.CampaignID,
		"dsp_unit_id": c.ClueSource.UnitID, "dsp_creative_id": c.ClueSource.CreativeID, "form.id": c.Form.ID} {
		requireIDShape(t, what, id)
	}
	_ = c.Created()
	_ = c.Updated()
	_ = c.Store()
	_ = c.ICC.Stat()

	// The independent reading needs a record encoding/json takes as an
	// object, in valid UTF-8 (the decoders may replace bad bytes differently).
	var obj map[string]stdjson.RawMessage
	if !utf8.Valid(rec) || stdjson.Unmarshal(rec, &obj) != nil || obj == nil {
		return
	}
	if hasCaseTwins(obj) {
		return // a key like "ID" or "ſource_type" fills a field the map lookup misses
	}
	want := expectedID(obj["id"])
	if want == "" {
		require.ErrorIs(t, err, fetch.ErrNoID, "a record without a usable id is refused")
		return
	}
	require.NoError(t, err, "a JSON object with id %s decodes", want)
	require.Equal(t, want, c.ID.String(), "the id is kept digit for digit")
	for key, got := range map[string]fetch.ID{"account_id": c.AccountID, "user_id": c.UserID, "page_id": c.PageID} {
		if raw, ok := obj[key]; ok {
			require.Equal(t, expectedID(raw), got.String(), key)
		}
	}
	for key, got := range map[string]fetch.Str{"user_name": c.UserName, "phone": c.Phone, "page_name": c.PageName,
		"create_time": c.CreateTime, "give_up_reason": c.GiveUpReason} {
		if w, ok := expectedStr(obj[key]); ok {
			require.Equal(t, w, string(got), key)
		}
	}
	for key, got := range map[string]fetch.Int{"clue_tag": c.ClueTag, "intention_id": c.IntentionID,
		"source_type": c.SourceType, "phone_stat": c.PhoneStat, "biz_id": c.BizID} {
		if w, ok := expectedInt(obj[key]); ok {
			require.Equal(t, w, int64(got), key)
		}
	}
	var form map[string]stdjson.RawMessage
	if raw, ok := obj["form"]; ok && stdjson.Unmarshal(raw, &form) == nil && form != nil && !hasCaseTwins(form) {
		if _, ok := form["id"]; ok {
			require.Equal(t, expectedID(form["id"]), c.Form.ID.String(), "form.id")
		}
	}
}

// hasCaseTwins reports whether some key is not plain lower-case ASCII. Both
// Go JSON decoders match struct fields case-insensitively, with Unicode
// folding (ſ matches s), while a map lookup is exact: such records are left
// to the other properties.
func hasCaseTwins(obj map[string]stdjson.RawMessage) bool {
	for k := range obj {
		for i := 0; i < len(k); i++ {
			if c := k[i]; c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf {
				return true
			}
		}
	}
	return false
}

// FuzzDecodeClue decodes arbitrary bytes as one clue record. It never panics;
// every id it yields is a decimal string (never a float, a sign, "0" or JSON
// text) that marshals as a JSON string; and for any record encoding/json
// reads as an object, the outcome agrees with that independent reading: a
// usable id is kept digit for digit (even beyond 2^64), a record without one
// fails with ErrNoID, and the flat string, integer and id fields hold what
// the lenient types document, whichever of the strict or lenient paths ran.
func FuzzDecodeClue(f *testing.F) {
	for _, rec := range fuzzSeedRecords(f) {
		f.Add(rec)
	}
	f.Fuzz(func(t *testing.T, rec []byte) {
		c, err := fetch.DecodeClue(rec)
		checkClue(t, rec, c, err)
		var c2 fetch.Clue
		err2 := stdjson.Unmarshal(rec, &c2)
		if err == nil && err2 == nil {
			require.Equal(t, c.ID, c2.ID, "UnmarshalJSON through encoding/json agrees")
		}
	})
}

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
				requireIDShape(t, "id", cl.ID)
				require.NotEmpty(t, cl.ID)
				again, err := fetch.DecodeClue(cl.Raw)
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
			if stdjson.Unmarshal(rec, &obj) != nil || obj == nil || hasCaseTwins(obj) {
				return // the next comparisons need records read the same way
			}
			if id := expectedID(obj["id"]); id != "" {
				require.Less(t, i, len(page.Clues))
				require.Equal(t, id, page.Clues[i].ID.String(), "clues keep the page's order and ids")
				i++
			}
		}
		require.Equal(t, len(page.Clues), i)
	})
}
