package report

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/cluebot/cluebot/store"
)

// followupSheetName is the sheet of who followed up their leads in time.
const followupSheetName = "跟进"

// FollowupSource is what the 跟进 sheet reads besides the day's clues: each
// lead's alerts, history and mark (store.Store is one).
type FollowupSource interface {
	Clues
	OutboxItems(ctx context.Context, clueID string) ([]store.OutboxItem, error)
	ClueHistory(ctx context.Context, id string) ([]store.HistoryEntry, error)
	Marks(ctx context.Context, clueIDs []string) (map[string]store.Mark, error)
}

// FollowupRow is one line of the 跟进 sheet: one assignee's leads of one
// route whose alert went out.
type FollowupRow struct {
	Assignee string
	Route    string
	Assigned int       // leads whose alert went out
	OnTime   int       // followed up within the route's followup.within (its Deadline)
	Minutes  []float64 // minutes from alert to follow-up, of those followed up
	Open     int       // not followed up yet
}

// Median is the median of Minutes; false when nobody was followed up.
func (r *FollowupRow) Median() (float64, bool) {
	n := len(r.Minutes)
	if n == 0 {
		return 0, false
	}
	m := slices.Clone(r.Minutes)
	slices.Sort(m)
	if n%2 == 1 {
		return m[n/2], true
	}
	return (m[n/2-1] + m[n/2]) / 2, true
}

// followupLead is what the sheet keeps of one clue of the day.
type followupLead struct {
	id        string
	routes    []string
	assignees []string
	cur       store.HistoryEntry // the clue's tracked columns now
}

// followupRows tallies the day's leads of the routes with a followup,
// by assignee and route, in that order. A lead counts for a route once its
// alert there was sent; its follow-up is the first tracked change that
// counts (worked) or its mark, whichever is first.
func followupRows(ctx context.Context, src FollowupSource, f store.ClueFilter, due map[string]Deadline) ([]*FollowupRow, error) {
	var leads []followupLead
	err := src.IterateClues(ctx, f, func(c *store.Clue) error {
		for _, rt := range c.Routes {
			if due[rt] != nil {
				leads = append(leads, followupLead{id: c.ID, routes: slices.Clone(c.Routes),
					assignees: slices.Clone(c.Assignees), cur: store.HistoryEntry{IntentionID: c.IntentionID,
						PhoneStat: c.PhoneStat, ScheduleID: c.ScheduleID}})
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("跟进: read leads: %w", err)
	}
	rows := map[[2]string]*FollowupRow{}
	for start := 0; start < len(leads); start += 500 {
		batch := leads[start:min(start+500, len(leads))]
		ids := make([]string, len(batch))
		for i, l := range batch {
			ids[i] = l.id
		}
		marks, err := src.Marks(ctx, ids)
		if err != nil {
			return nil, fmt.Errorf("跟进: read marks: %w", err)
		}
		for _, l := range batch {
			if err := tallyFollowup(ctx, src, l, marks, due, rows); err != nil {
				return nil, err
			}
		}
	}
	out := make([]*FollowupRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Assignee != out[j].Assignee {
			return out[i].Assignee < out[j].Assignee
		}
		return out[i].Route < out[j].Route
	})
	return out, nil
}

func tallyFollowup(ctx context.Context, src FollowupSource, l followupLead, marks map[string]store.Mark,
	due map[string]Deadline, rows map[[2]string]*FollowupRow) error {
	items, err := src.OutboxItems(ctx, l.id)
	if err != nil {
		return fmt.Errorf("跟进: read alerts of %s: %w", l.id, err)
	}
	hist, err := src.ClueHistory(ctx, l.id)
	if err != nil {
		return fmt.Errorf("跟进: read history of %s: %w", l.id, err)
	}
	done, _ := store.WorkedAt(hist, l.cur.Status())
	if m, ok := marks[l.id]; ok && (done.IsZero() || m.At.Before(done)) {
		done = m.At
	}
	for i, rt := range l.routes {
		if due[rt] == nil {
			continue
		}
		sent, assignee := alertSent(items, rt)
		if sent.IsZero() {
			continue // not alerted (yet): nobody was asked to follow it up
		}
		if assignee == "" && i < len(l.assignees) {
			assignee = l.assignees[i]
		}
		if assignee == "" {
			assignee = labelNoAssignee // a route with no one to @: a row a manager can read
		}
		key := [2]string{assignee, rt}
		r := rows[key]
		if r == nil {
			r = &FollowupRow{Assignee: assignee, Route: rt}
			rows[key] = r
		}
		r.Assigned++
		if done.IsZero() {
			r.Open++
			continue
		}
		d := max(done.Sub(sent), 0) // followed up before the alert went out: at once
		r.Minutes = append(r.Minutes, d.Minutes())
		if !done.After(due[rt](sent)) {
			r.OnTime++
		}
	}
	return nil
}

// alertSent returns when the lead's first alert on route went out and to
// whom it was assigned; a zero time when none was sent.
func alertSent(items []store.OutboxItem, route string) (time.Time, string) {
	var at time.Time
	var who string
	for _, it := range items {
		if it.Route != route || it.Kind != "" && it.Kind != "alert" || it.SentAt.IsZero() {
			continue
		}
		if at.IsZero() || it.SentAt.Before(at) {
			at, who = it.SentAt, it.Assignee
		}
	}
	return at, who
}

// writeFollowupSheet adds the 跟进 sheet: the rows, then each assignee's
// 按时率 over their routes beside them, charted.
func writeFollowupSheet(f *excelize.File, rows []*FollowupRow) error {
	if _, err := f.NewSheet(followupSheetName); err != nil {
		return err
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return err
	}
	head := []any{"负责人", "路由", "分配", "按时跟进", "按时率", "跟进中位分钟", "未跟进", nil, "负责人", "按时率"}
	if err := f.SetSheetRow(followupSheetName, "A1", &head); err != nil {
		return err
	}
	type total struct{ assigned, onTime int }
	var who []string
	totals := map[string]*total{}
	for _, r := range rows {
		t := totals[r.Assignee]
		if t == nil {
			t = &total{}
			totals[r.Assignee] = t
			who = append(who, r.Assignee)
		}
		t.assigned += r.Assigned
		t.onTime += r.OnTime
	}
	for i, r := range rows {
		vals := []any{r.Assignee, r.Route, r.Assigned, r.OnTime,
			share(r.OnTime, r.Assigned), nil, r.Open}
		if m, ok := r.Median(); ok {
			vals[5] = m
		}
		if i < len(who) {
			t := totals[who[i]]
			vals = append(vals, nil, who[i], share(t.onTime, t.assigned))
		}
		if err := f.SetSheetRow(followupSheetName, fmt.Sprintf("A%d", i+2), &vals); err != nil {
			return err
		}
	}
	if len(who) == 0 {
		return nil
	}
	last := len(who) + 1
	if err := f.SetCellStyle(followupSheetName, "E2", fmt.Sprintf("E%d", len(rows)+1), pct); err != nil {
		return err
	}
	if err := f.SetCellStyle(followupSheetName, "J2", fmt.Sprintf("J%d", last), pct); err != nil {
		return err
	}
	return f.AddChart(followupSheetName, "M2", &excelize.Chart{
		Type:   excelize.Col,
		Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "按时率（按负责人）"}}},
		Legend: excelize.ChartLegend{Position: "none"},
		Series: []excelize.ChartSeries{{
			Name:       followupSheetName + "!$J$1",
			Categories: fmt.Sprintf("%s!$I$2:$I$%d", followupSheetName, last),
			Values:     fmt.Sprintf("%s!$J$2:$J$%d", followupSheetName, last),
		}},
		YAxis: excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
	})
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}
