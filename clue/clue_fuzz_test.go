package clue_test

import (
	"bytes"
	stdjson "encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/clue/cluetest"
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

// expectedStr is clue.Str's documented reading of a flat field: a string's
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

// expectedInt is clue.Int's reading of an integer literal, a quoted integer,
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
func checkClue(t *testing.T, rec []byte, c clue.Clue, err error) {
	t.Helper()
	if err == nil {
		require.NotEmpty(t, c.ID, "a decoded clue has an id")
		require.Equal(t, rec, []byte(c.Raw), "Raw keeps the record as sent")
	}
	for what, id := range map[string]clue.ID{"id": c.ID, "account_id": c.AccountID, "user_id": c.UserID,
		"page_id": c.PageID, "clue_source.page_id": c.ClueSource.PageID, "dsp_campaign_id": c.ClueSource.CampaignID,
		"dsp_unit_id": c.ClueSource.UnitID, "dsp_creative_id": c.ClueSource.CreativeID, "form.id": c.Form.ID} {
		cluetest.RequireIDShape(t, what, id)
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
	if cluetest.HasCaseTwins(obj) {
		return // a key like "ID" or "ſource_type" fills a field the map lookup misses
	}
	want := cluetest.ExpectedID(obj["id"])
	if want == "" {
		require.ErrorIs(t, err, clue.ErrNoID, "a record without a usable id is refused")
		return
	}
	require.NoError(t, err, "a JSON object with id %s decodes", want)
	require.Equal(t, want, c.ID.String(), "the id is kept digit for digit")
	for key, got := range map[string]clue.ID{"account_id": c.AccountID, "user_id": c.UserID, "page_id": c.PageID} {
		if raw, ok := obj[key]; ok {
			require.Equal(t, cluetest.ExpectedID(raw), got.String(), key)
		}
	}
	for key, got := range map[string]clue.Str{"user_name": c.UserName, "phone": c.Phone, "page_name": c.PageName,
		"create_time": c.CreateTime, "give_up_reason": c.GiveUpReason} {
		if w, ok := expectedStr(obj[key]); ok {
			require.Equal(t, w, string(got), key)
		}
	}
	for key, got := range map[string]clue.Int{"clue_tag": c.ClueTag, "intention_id": c.IntentionID,
		"source_type": c.SourceType, "phone_stat": c.PhoneStat, "biz_id": c.BizID} {
		if w, ok := expectedInt(obj[key]); ok {
			require.Equal(t, w, int64(got), key)
		}
	}
	var form map[string]stdjson.RawMessage
	if raw, ok := obj["form"]; ok && stdjson.Unmarshal(raw, &form) == nil && form != nil && !cluetest.HasCaseTwins(form) {
		if _, ok := form["id"]; ok {
			require.Equal(t, cluetest.ExpectedID(form["id"]), c.Form.ID.String(), "form.id")
		}
	}
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
		c, err := clue.Decode(rec)
		checkClue(t, rec, c, err)
		var c2 clue.Clue
		err2 := stdjson.Unmarshal(rec, &c2)
		if err == nil && err2 == nil {
			require.Equal(t, c.ID, c2.ID, "UnmarshalJSON through encoding/json agrees")
		}
	})
}
