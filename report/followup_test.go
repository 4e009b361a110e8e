package report

import (
	"archive/zip"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/sqlite"
)

// TestFollowupSheet writes the report of a day whose leads were followed
// up in different ways, from a real SQLite store, and reads the 跟进 sheet
// back: per assignee and route the leads alerted, those followed up within
// followup.within (by a call the vendor shows, a schedule change or a
// mark), the share, the median minutes and the leads still open; routes
// without a followup and leads whose alert did not go out are left out.
func TestFollowupSheet(t *testing.T) {
	ctx := context.Background()
	now := reportDay.Add(10 * time.Hour)
	clock := func() time.Time { return now }
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{Now: func() time.Time { return clock() }})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })

	sent := reportDay.Add(10 * time.Hour)
	type lead struct {
		id, route, assignee string
		alerted             bool
	}
	leads := []lead{
		{"1001", "hot", "张三", true},  // a call after 5 minutes: on time
		{"1002", "hot", "张三", true},  // marked after 20 minutes: late
		{"1003", "hot", "李四", true},  // nothing: open
		{"1004", "hot", "李四", true},  // schedule changed after 10 minutes: on time
		{"1005", "cold", "李四", true}, // a route without followup
		{"1006", "hot", "张三", false}, // its alert has not gone out
		{"1007", "hot", "", true},    // a route with nobody to @: open
	}
	var clues []store.Clue
	for _, l := range leads {
		clues = append(clues, store.Clue{ID: l.id, AdvertiserID: 1, CreateTime: sent.Add(-time.Minute),
			UpdateTime: sent.Add(-time.Minute), UserName: "客户" + l.id, Phone: "13800001111", Raw: []byte("{}")})
	}
	_, err = st.UpsertClues(ctx, clues)
	require.NoError(t, err)
	for _, l := range leads {
		_, err := st.SaveRouting(ctx, store.Routing{ClueID: l.id, RoutedAt: sent,
			Results: []store.RouteResult{{Route: l.route, Assignee: l.assignee, Receivers: []string{"group"}}}})
		require.NoError(t, err)
	}
	items, err := st.ClaimOutbox(ctx, store.Claim{Receiver: "group", Owner: "t", Now: sent, Lease: time.Minute, Limit: 100})
	require.NoError(t, err)
	var ids []int64
	for _, it := range items {
		if it.ClueID != "1006" {
			ids = append(ids, it.ID)
		}
	}
	require.NoError(t, st.MarkSent(ctx, ids, sent))

	change := func(id string, at time.Time, f func(c *store.Clue)) {
		now = at
		c := clues[0]
		for _, cc := range clues {
			if cc.ID == id {
				c = cc
			}
		}
		f(&c)
		c.UpdateTime = at
		_, err := st.UpsertClues(ctx, []store.Clue{c})
		require.NoError(t, err)
	}
	change("1001", sent.Add(5*time.Minute), func(c *store.Clue) { c.PhoneStat = 101 })
	change("1003", sent.Add(6*time.Minute), func(c *store.Clue) { c.PhoneStat = 1 }) // not a call outcome
	change("1004", sent.Add(10*time.Minute), func(c *store.Clue) { c.ScheduleID = 1 })
	change("1005", sent.Add(time.Minute), func(c *store.Clue) { c.ScheduleID = 1 })
	require.NoError(t, st.SetMark(ctx, store.Mark{ClueID: "1002", Status: store.MarkContacted, By: "张三", At: sent.Add(20 * time.Minute)}))

	opts := reportOpts()
	opts.Followup = map[string]Deadline{"hot": func(sent time.Time) time.Time { return sent.Add(15 * time.Minute) }}
	files, _, err := WriteFile(ctx, st, reportDay, opts, t.TempDir())
	require.NoError(t, err)

	f, err := excelize.OpenFile(files[0])
	require.NoError(t, err)
	defer f.Close()
	rows, err := f.GetRows(followupSheetName, excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	require.Equal(t, [][]string{
		{"负责人", "路由", "分配", "按时跟进", "按时率", "跟进中位分钟", "未跟进", "", "负责人", "按时率"},
		{"(未指定负责人)", "hot", "1", "0", "0", "", "1", "", "(未指定负责人)", "0"},
		{"张三", "hot", "2", "1", "0.5", "12.5", "0", "", "张三", "0.5"},
		{"李四", "hot", "2", "1", "0.5", "10", "1", "", "李四", "0.5"},
	}, rows)
	require.True(t, hasChart(t, files[0], "按时率（按负责人）"), "the chart of 按时率 per assignee")
}

// hasChart reports whether the xlsx at path holds a chart titled title.
func hasChart(t *testing.T, path, title string) bool {
	t.Helper()
	z, err := zip.OpenReader(path)
	require.NoError(t, err)
	defer z.Close()
	for _, zf := range z.File {
		if !strings.HasPrefix(zf.Name, "xl/charts/chart") {
			continue
		}
		r, err := zf.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(r)
		require.NoError(t, err)
		r.Close()
		if strings.Contains(string(b), title) {
			return true
		}
	}
	return false
}
