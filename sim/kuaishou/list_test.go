package kuaishou

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestListPaging(t *testing.T) {
	s, hs := startSim(t, Options{Seed: 7})
	s.Generate(testAdv, 53, t0.Add(-24*time.Hour), t0)
	want := s.IDs(testAdv)
	require.Len(t, want, 53)

	cases := []struct {
		name     string
		pageSize int // 0: not sent
		sizes    []int
	}{
		{"default page size 20", 0, []int{20, 20, 13, 0}},
		{"page size 7", 7, []int{7, 7, 7, 7, 7, 7, 7, 4, 0}},
		{"page size equals total", 53, []int{53, 0}},
		{"maximum page size", MaxPageSize, []int{53, 0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for i, size := range tc.sizes {
				body := map[string]any{"page": i + 1}
				if tc.pageSize != 0 {
					body["page_size"] = tc.pageSize
				}
				r := list(t, hs.URL, testAccess, body)
				require.EqualValues(t, CodeOK, r.Code, r.Message)
				require.Equal(t, "OK", r.Message)
				require.Regexp(t, `^[0-9a-f]{32}$`, r.RequestID)
				require.EqualValues(t, 53, r.Total)
				require.Len(t, r.Details, size, "page %d", i+1)
				got = append(got, ids(t, r.Details)...)
			}
			require.Equal(t, want, got)
		})
	}
	// An empty page is [] rather than null.
	r := list(t, hs.URL, testAccess, map[string]any{"page": 99})
	require.Contains(t, string(r.Body), `"details":[]`)
	st := s.Stats()
	require.Equal(t, 4*53, st.RowsServed)
	require.Equal(t, st.ListCalls, st.ListPages)
}

func BenchmarkListPage(b *testing.B) {
	s := New(Options{Seed: 1})
	s.AddAccount(testAdv, testAccess, testRefresh)
	s.Generate(testAdv, 20_000, t0.Add(-30*24*time.Hour), t0)
	body := []byte(fmt.Sprintf(`{"advertiser_id":%d,"start_time":%q,"end_time":%q,"page":3,"page_size":100}`,
		testAdv, at(t0.Add(-7*24*time.Hour)), at(t0)))
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, ListPath, bytes.NewReader(body))
		req.Header.Set("access-token", testAccess)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK || !bytes.HasPrefix(w.Body.Bytes(), []byte(`{"code":0,`)) {
			b.Fatalf("%d %.200s", w.Code, w.Body.String())
		}
	}
}

func TestListWindowAndOrder(t *testing.T) {
	start, end := t0.Add(-time.Hour), t0
	rec := func(id string, ct time.Time) map[string]any {
		return map[string]any{"id": json.Number(id), "create_time": at(ct)}
	}
	clues := []map[string]any{
		rec("300000000000000001", start.Add(-time.Second)), // just before
		rec("300000000000000002", start),                   // on the start: in
		rec("300000000000000010", start.Add(30*time.Minute)),
		rec("300000000000000009", start.Add(30*time.Minute)), // same second: id breaks the tie
		rec("1974516040085363860123", start.Add(30*time.Minute)),
		rec("300000000000000003", end), // on the end: in
		rec("300000000000000004", end.Add(time.Second)),
	}
	cases := []struct {
		name        string
		oldestFirst bool
		start, end  string
		want        []string
	}{
		{"inclusive window newest first", false, at(start), at(end), []string{
			"300000000000000003", "1974516040085363860123", "300000000000000010",
			"300000000000000009", "300000000000000002"}},
		{"inclusive window oldest first", true, at(start), at(end), []string{
			"300000000000000002", "300000000000000009", "300000000000000010",
			"1974516040085363860123", "300000000000000003"}},
		{"start only", false, at(end), "", []string{"300000000000000004", "300000000000000003"}},
		{"end only", false, "", at(start), []string{"300000000000000002", "300000000000000001"}},
		{"one-second window", false, at(end), at(end), []string{"300000000000000003"}},
		{"empty window", false, at(end.Add(time.Hour)), at(end.Add(2 * time.Hour)), nil},
		{"reversed window", false, at(end), at(start), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, hs := startSim(t, Options{OldestFirst: tc.oldestFirst})
			s.Add(testAdv, clues...)
			body := map[string]any{"page": 1, "page_size": 100}
			if tc.start != "" {
				body["start_time"] = tc.start
			}
			if tc.end != "" {
				body["end_time"] = tc.end
			}
			r := list(t, hs.URL, testAccess, body)
			require.EqualValues(t, CodeOK, r.Code, r.Message)
			require.EqualValues(t, len(tc.want), r.Total)
			if tc.want == nil {
				require.Empty(t, r.Details)
				return
			}
			require.Equal(t, tc.want, ids(t, r.Details))
		})
	}
}

func TestListIDsAreExactNumbers(t *testing.T) {
	s, hs := startSim(t, Options{})
	s.Add(testAdv,
		map[string]any{"id": json.Number("1974516040085363860123"), "page_id": json.Number("153644601223348224")},
		map[string]any{"id": "197451604008536386", "form": map[string]any{"id": json.Number("145284513928645901")}},
		map[string]any{"id": int64(9007199254740993)}, // 2^53+1: not representable as float64
	)
	r := list(t, hs.URL, testAccess, map[string]any{"page": 1})
	require.EqualValues(t, CodeOK, r.Code)
	body := string(r.Body)
	for _, want := range []string{
		`"id":1974516040085363860123`, `"page_id":153644601223348224`,
		`"id":197451604008536386`, `"id":145284513928645901`, `"id":9007199254740993`,
	} {
		require.Contains(t, body, want)
	}
	require.NotContains(t, body, `"id":"`)
	require.NotContains(t, body, `e+`)
	require.ElementsMatch(t, []string{"1974516040085363860123", "197451604008536386", "9007199254740993"},
		ids(t, r.Details))
	require.Panics(t, func() { s.Add(testAdv, map[string]any{"id": 1.974516040085364e17}) })
}

func TestListRefusals(t *testing.T) {
	s, hs := startSim(t, Options{})
	s.AddAccount(42, "other-access", "other-refresh")
	cases := []struct {
		name  string
		token string
		body  map[string]any
		code  int64
		msg   string
	}{
		{"page_size over the cap", testAccess, map[string]any{"page_size": 501}, CodeBadRequest, MsgPageSizeLimit},
		{"unknown advertiser", testAccess, map[string]any{"advertiser_id": 1}, CodeAdvertiserNotFound, MsgAdvertiserMissing},
		{"bad start_time", testAccess, map[string]any{"start_time": "2024-05-20T12:00:00Z"}, CodeBadRequest, ""},
		{"no advertiser_id", testAccess, map[string]any{"advertiser_id": nil}, CodeBadRequest, ""},
		{"no token", "", map[string]any{}, CodeTokenInvalid, MsgTokenInvalid},
		{"unknown token", "nope", map[string]any{}, CodeTokenInvalid, MsgTokenInvalid},
		{"another advertiser's token", "other-access", map[string]any{}, CodeTokenInvalid, MsgTokenInvalid},
		{"absurd page is just empty", testAccess, map[string]any{"page": int64(1) << 62}, CodeOK, "OK"},
		{"quoted advertiser id is fine", testAccess, map[string]any{"advertiser_id": fmt.Sprint(testAdv)}, CodeOK, "OK"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := list(t, hs.URL, tc.token, tc.body)
			require.Equal(t, 200, r.Status)
			require.Equal(t, tc.code, r.Code, r.Message)
			if tc.msg != "" {
				require.Equal(t, tc.msg, r.Message)
			}
			require.Regexp(t, `^[0-9a-f]{32}$`, r.RequestID)
		})
	}
	st := s.Stats()
	require.Equal(t, 3, st.AuthRejections)
	require.Equal(t, 4, st.BadRequests)
	require.Equal(t, 2, st.ListPages)
}

func TestListFilters(t *testing.T) {
	s, hs := startSim(t, Options{Seed: 3})
	s.Generate(testAdv, 300, t0.Add(-time.Hour), t0)
	cases := []struct {
		name  string
		body  map[string]any
		field string
		ok    func(v string) bool
	}{
		{"source_type", map[string]any{"source_type": 2}, "source_type", func(v string) bool { return v == "2" }},
		{"intention_list", map[string]any{"intention_list": []int{13, 4}}, "intention_id",
			func(v string) bool { return v == "13" || v == "4" }},
		{"channel_flag", map[string]any{"channel_flag": 2}, "channel_flag", func(v string) bool { return v == "2" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.body["page_size"] = 500
			r := list(t, hs.URL, testAccess, tc.body)
			require.EqualValues(t, CodeOK, r.Code)
			require.NotEmpty(t, r.Details)
			require.Less(t, r.Total, int64(300))
			require.EqualValues(t, len(r.Details), r.Total)
			for _, d := range r.Details {
				require.True(t, tc.ok(fmt.Sprint(d[tc.field])), "%s=%v", tc.field, d[tc.field])
			}
		})
	}
}
