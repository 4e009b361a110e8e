package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// lead returns a sample clue n created hours after created, with a name,
// phone and page name of its own.
func lead(n int, hours time.Duration, name, phone, page string) store.Clue {
	c := sampleClue(clueID(n), 1, created.Add(hours*time.Hour))
	c.UserName, c.Phone, c.PageName = name, phone, page
	return c
}

// searchLeads are the clues testSearch stores: names with HTML, script and
// LIKE wildcards, phones sharing a tail, and two clues created at once.
var searchLeads = []store.Clue{
	lead(1, 1, "张三丰", "13800001234", "春季装修报名页"),
	lead(2, 2, "<script>alert('x')</script>", "13900005678", "<b>夏季</b>活动"),
	lead(3, 3, "李四", "13700001234", "秋季装修报名页"),
	lead(4, 4, "老张三", "13600009999", "冬季促销"),
	lead(5, 5, `王五 & 'quote" %_`, "13500000000", "春季装修报名页"),
	lead(6, 5, "赵六", "", "Landing Page"),
}

// searchIDs returns the ids of clues, in order.
func searchIDs(clues []store.Clue) []string {
	ids := make([]string, len(clues))
	for i := range clues {
		ids[i] = clues[i].ID
	}
	return ids
}

func testSearch(t *testing.T, s store.Store, clk *clock) {
	upsert(t, s, store.UpsertStats{Inserted: len(searchLeads)}, searchLeads...)
	for _, r := range []store.Routing{
		{ClueID: clueID(1), Results: []store.RouteResult{{Route: "henan-hot", Receivers: []string{"a"}}}},
		{ClueID: clueID(3), Results: []store.RouteResult{{Route: "henan-hot", Receivers: []string{"a"}},
			{Route: "everything-else", Receivers: []string{"b"}}}},
		{ClueID: clueID(5)},
	} {
		r.RoutedAt = clk.Now()
		_, err := s.SaveRouting(t.Context(), r)
		require.NoError(t, err)
	}
	ids := func(ns ...int) []string {
		out := make([]string, len(ns))
		for i, n := range ns {
			out[i] = clueID(n)
		}
		return out
	}
	at := func(h time.Duration) time.Time { return created.Add(h * time.Hour).In(vendorZone) }
	tests := []struct {
		name  string
		q     store.LeadQuery
		want  []string
		total int
	}{
		{"everything newest first, ties by id", store.LeadQuery{}, ids(6, 5, 4, 3, 2, 1), 6},
		{"name substring", store.LeadQuery{Q: "张三丰"}, ids(1), 1},
		{"name substring inside", store.LeadQuery{Q: "'x')"}, ids(2), 1},
		{"short q: names containing it", store.LeadQuery{Q: "张三"}, ids(4, 1), 2},
		{"short q inside a name", store.LeadQuery{Q: "三丰"}, ids(1), 1},
		{"one character", store.LeadQuery{Q: "六"}, ids(6), 1},
		{"short q starts a page name", store.LeadQuery{Q: "冬季"}, ids(4), 1},
		{"short q inside a page name", store.LeadQuery{Q: "装修"}, ids(5, 3, 1), 3},
		{"short q and a date", store.LeadQuery{Q: "张三", From: at(2)}, ids(4), 1},
		{"short q, a page of it", store.LeadQuery{Q: "装修", Limit: 1, Offset: 1}, ids(3), 3},
		{"script tag", store.LeadQuery{Q: "<script>"}, ids(2), 1},
		{"LIKE wildcards are plain text", store.LeadQuery{Q: "%_%"}, nil, 0},
		{"quotes and wildcards", store.LeadQuery{Q: `'quote" %_`}, ids(5), 1},
		{"page name substring", store.LeadQuery{Q: "装修报名"}, ids(5, 3, 1), 3},
		{"page name with HTML", store.LeadQuery{Q: "<b>夏季"}, ids(2), 1},
		{"substring is case sensitive", store.LeadQuery{Q: "landing"}, nil, 0},
		{"whole phone", store.LeadQuery{Q: "13800001234"}, ids(1), 1},
		{"phone tail", store.LeadQuery{Q: "1234"}, ids(3, 1), 2},
		{"part of a phone is no match", store.LeadQuery{Q: "1380000"}, nil, 0},
		{"three digits are no tail", store.LeadQuery{Q: "234"}, nil, 0},
		{"exact id", store.LeadQuery{Q: clueID(2)}, ids(2), 1},
		{"part of an id is no match", store.LeadQuery{Q: clueID(2)[:12]}, nil, 0},
		{"route", store.LeadQuery{Route: "henan-hot"}, ids(3, 1), 2},
		{"route and tail", store.LeadQuery{Q: "1234", Route: "everything-else"}, ids(3), 1},
		{"part of a route is no route", store.LeadQuery{Route: "henan"}, nil, 0},
		{"date range excludes its end", store.LeadQuery{From: at(2), To: at(4)}, ids(3, 2), 2},
		{"open end", store.LeadQuery{From: at(4)}, ids(6, 5, 4), 3},
		{"open start", store.LeadQuery{To: at(2)}, ids(1), 1},
		{"date range and substring", store.LeadQuery{Q: "装修报名", From: at(2)}, ids(5, 3), 2},
		{"first page", store.LeadQuery{Limit: 2}, ids(6, 5), 6},
		{"middle page", store.LeadQuery{Limit: 2, Offset: 2}, ids(4, 3), 6},
		{"past the end", store.LeadQuery{Limit: 2, Offset: 6}, nil, 6},
		{"page of a search", store.LeadQuery{Q: "1234", Limit: 1, Offset: 1}, ids(1), 2},
		{"no match", store.LeadQuery{Q: "不存在的名字"}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clues, total, err := s.SearchClues(t.Context(), tt.q)
			require.NoError(t, err)
			require.Equal(t, tt.want, nilIfEmpty(searchIDs(clues)))
			require.Equal(t, tt.total, total)
		})
	}

	t.Run("clues read back whole", func(t *testing.T) {
		clues, _, err := s.SearchClues(t.Context(), store.LeadQuery{Q: "1234"})
		require.NoError(t, err)
		for _, c := range clues {
			want, err := s.Clue(t.Context(), c.ID)
			require.NoError(t, err)
			require.Equal(t, normalize(want), normalize(c))
		}
		require.Equal(t, []string{"henan-hot", "everything-else"}, clues[0].Routes)
	})
	t.Run("bad query", func(t *testing.T) {
		_, _, err := s.SearchClues(t.Context(), store.LeadQuery{Offset: -1})
		require.Error(t, err)
		_, _, err = s.SearchClues(t.Context(), store.LeadQuery{Q: "\xff\xfe"})
		require.Error(t, err)
	})
	t.Run("limit is bounded", func(t *testing.T) {
		clues, total, err := s.SearchClues(t.Context(), store.LeadQuery{Limit: 100000})
		require.NoError(t, err)
		require.Len(t, clues, 6)
		require.Equal(t, 6, total)
	})
}

// nilIfEmpty returns nil for an empty slice.
func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// testSearchCommon stores more clues with one name than a total counts, so
// that the search walks the clues newest first instead of sorting matches.
// One clue in a hundred has a rarer name.
func testSearchCommon(t *testing.T, s store.Store, _ *clock) {
	n := store.SearchTotalMax + 500
	rare := func(i int) bool { return i%100 == 99 }
	for first := 0; first < n; first += 1000 {
		batch := make([]store.Clue, 0, 1000)
		for i := first; i < min(first+1000, n); i++ {
			name := "张先生"
			if rare(i) {
				name = "李女士"
			}
			c := lead(i, 0, name, fmt.Sprintf("139%08d", i), "报名页")
			c.CreateTime = created.Add(time.Duration(i) * time.Second)
			batch = append(batch, c)
		}
		_, err := s.UpsertClues(t.Context(), batch)
		require.NoError(t, err)
	}
	newest := func(k int, keep func(i int) bool) []string {
		var out []string
		for i := n - 1; len(out) < k; i-- {
			if keep(i) {
				out = append(out, clueID(i))
			}
		}
		return out
	}
	all := func(int) bool { return true }
	common := func(i int) bool { return !rare(i) }
	at := func(i int) time.Time { return created.Add(time.Duration(i) * time.Second) }
	tests := []struct {
		name  string
		q     store.LeadQuery
		want  []string
		total int
	}{
		{"everything counts up to the bound", store.LeadQuery{Limit: 3}, newest(3, all), store.SearchTotalMax},
		{"common page name", store.LeadQuery{Q: "报名页", Limit: 3}, newest(3, all), store.SearchTotalMax},
		{"common prefix", store.LeadQuery{Q: "报名", Limit: 3}, newest(3, all), store.SearchTotalMax},
		{"common name", store.LeadQuery{Q: "张先生", Limit: 2}, newest(2, common), store.SearchTotalMax},
		{"common name in a range", store.LeadQuery{Q: "张先生", From: at(n - 10), Limit: 2}, newest(2, common), 9},
		{"common name on a later page", store.LeadQuery{Q: "张先生", Limit: 1, Offset: 1}, newest(2, common)[1:],
			store.SearchTotalMax},
		{"rare name", store.LeadQuery{Q: "李女士", Limit: 2, Offset: 1}, newest(3, rare)[1:], n / 100},
		{"common short q inside names", store.LeadQuery{Q: "先生", Limit: 2}, newest(2, common), store.SearchTotalMax},
		{"rare short q inside names", store.LeadQuery{Q: "女士", Limit: 2, Offset: 1}, newest(3, rare)[1:], n / 100},
		{"rare phone among them", store.LeadQuery{Q: "13900000007"}, []string{clueID(7)}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clues, total, err := s.SearchClues(t.Context(), tt.q)
			require.NoError(t, err)
			require.Equal(t, tt.want, searchIDs(clues))
			require.Equal(t, tt.total, total)
		})
	}
}
