package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// reportZone is a zone unlike the machine's, so the schedule can only be
// right if it follows the config.
func reportZone(t *testing.T) *time.Location {
	t.Helper()
	for _, name := range []string{"Asia/Shanghai", "America/New_York"} {
		loc, err := time.LoadLocation(name)
		require.NoError(t, err)
		at := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
		_, off := at.In(loc).Zone()
		if _, local := at.In(time.Local).Zone(); off != local {
			return loc
		}
	}
	t.Fatal("no zone unlike the machine's")
	return nil
}

// reportCalls records the days a fake report was asked for.
type reportCalls struct {
	t    *testing.T
	loc  *time.Location
	mu   sync.Mutex
	days []string
	err  error
}

func (r *reportCalls) report(_ context.Context, day time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if day.Location().String() != r.loc.String() || day.Hour() != 0 || day.Minute() != 0 {
		r.t.Errorf("report day %s is not a midnight in %s", day, r.loc)
	}
	r.days = append(r.days, day.Format(time.DateOnly))
	return r.err
}

func (r *reportCalls) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.days)
}

func writeState(t *testing.T, dir, day string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o700))
	data, err := json.Marshal(reportState{LastDay: day})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, StateFile), data, 0o600))
}

func readStateDay(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, StateFile))
	require.NoError(t, err)
	var st reportState
	require.NoError(t, json.Unmarshal(data, &st))
	return st.LastDay
}

func TestReportCatchUp(t *testing.T) {
	loc := reportZone(t)
	at := func(day, hour, minute int) time.Time { return time.Date(2025, 3, day, hour, minute, 0, 0, loc) }
	tests := []struct {
		name  string
		now   time.Time
		state string // last day in the state file; "" for none
		file  string // a report file already in out_dir
		want  []string
	}{
		{name: "yesterday missed, its time passed", now: at(10, 10, 0), want: []string{"2025-03-09"}},
		{name: "yesterday written", now: at(10, 10, 0), state: "2025-03-09"},
		{name: "older day written", now: at(10, 10, 0), state: "2025-03-07", want: []string{"2025-03-09"}},
		{name: "before today's time the day before is due", now: at(10, 8, 30), state: "2025-03-07", want: []string{"2025-03-08"}},
		{name: "before today's time all written", now: at(10, 8, 30), state: "2025-03-08"},
		{name: "exactly at the scheduled time", now: at(10, 9, 0), state: "2025-03-08", want: []string{"2025-03-09"}},
		{name: "first start, file already written", now: at(10, 10, 0), file: "cluebot-2025-03-09.xlsx"},
		{name: "first start, only an older file", now: at(10, 10, 0), file: "cluebot-2025-03-08.xlsx", want: []string{"2025-03-09"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOptions{start: tc.now, zone: loc.String()})
			out := e.cfg.Report.OutDir
			if tc.state != "" {
				writeState(t, out, tc.state)
			}
			if tc.file != "" {
				require.NoError(t, os.MkdirAll(out, 0o700))
				require.NoError(t, os.WriteFile(filepath.Join(out, tc.file), []byte("xlsx"), 0o600))
			}
			calls := &reportCalls{t: t, loc: loc}
			d := e.daemon(Options{Report: calls.report})
			d.reports.catchUp(context.Background())
			require.Equal(t, tc.want, calls.got())
			if len(tc.want) > 0 {
				require.Equal(t, tc.want[0], readStateDay(t, out))
				d.reports.catchUp(context.Background())
				require.Len(t, calls.got(), 1, "a day is written once")
			}
		})
	}
}

func TestFailedCatchUpIsRetriedHourlyThreeTimes(t *testing.T) {
	loc := reportZone(t)
	e := newEnv(t, envOptions{start: time.Date(2025, 3, 10, 10, 0, 0, 0, loc), zone: loc.String()})
	calls := &reportCalls{t: t, loc: loc, err: errors.New("smtp: connection refused")}
	d := e.daemon(Options{Report: calls.report})
	for _, step := range []struct {
		advance time.Duration
		runs    int
	}{{0, 1}, {catchUpEvery, 1}, {catchUpInterval - catchUpEvery, 2}, {catchUpInterval, 3}, {catchUpInterval, 3}} {
		e.clock.Advance(step.advance)
		d.reports.catchUp(context.Background())
		require.Len(t, calls.got(), step.runs, "at %s", e.clock.Now())
	}
	_, err := os.Stat(filepath.Join(e.cfg.Report.OutDir, StateFile))
	require.ErrorIs(t, err, os.ErrNotExist, "a failed report is not recorded as written")
	require.True(t, e.logs.contains("smtp: connection refused"))
}

func TestReportRunsAtCronTimeInConfiguredZone(t *testing.T) {
	loc := reportZone(t)
	e := newEnv(t, envOptions{start: time.Date(2025, 3, 10, 8, 30, 0, 0, loc), zone: loc.String(), poll: time.Hour})
	writeState(t, e.cfg.Report.OutDir, "2025-03-08")
	calls := &reportCalls{t: t, loc: loc}
	d, stop := e.start(Options{Report: calls.report})
	waitRuns(t, d, JobReportCatch, 1)
	require.Empty(t, calls.got(), "nothing was missed")

	nine := time.Date(2025, 3, 10, 9, 0, 0, 0, loc)
	require.True(t, nextRun(t, d, JobReport).Equal(nine), "next report at %s, want 09:00 in %s", nextRun(t, d, JobReport), loc)
	e.advanceTo(d, JobReportCatch, time.Date(2025, 3, 10, 8, 45, 0, 0, loc))
	waitRuns(t, d, JobReportCatch, 2)
	e.advanceTo(d, JobReport, nine)
	waitRuns(t, d, JobReport, 1)
	require.Equal(t, []string{"2025-03-09"}, calls.got())
	require.Equal(t, "2025-03-09", readStateDay(t, e.cfg.Report.OutDir))
	require.True(t, nextRun(t, d, JobReport).Equal(nine.AddDate(0, 0, 1)), "then daily at 09:00 in the zone")
	require.NoError(t, stop())
}

func TestMissedDayIsCaughtUpAtStart(t *testing.T) {
	loc := reportZone(t)
	e := newEnv(t, envOptions{start: time.Date(2025, 3, 10, 11, 0, 0, 0, loc), zone: loc.String()})
	writeState(t, e.cfg.Report.OutDir, "2025-03-07")
	calls := &reportCalls{t: t, loc: loc}
	d, stop := e.start(Options{Report: calls.report})
	waitRuns(t, d, JobReportCatch, 1)
	require.Equal(t, []string{"2025-03-09"}, calls.got())
	require.Equal(t, "2025-03-09", readStateDay(t, e.cfg.Report.OutDir))
	require.NoError(t, stop())
}

func TestBadReportScheduleIsAConfigError(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.cfg.Report.Schedule = "0 25 * *"
	_, err := newDaemon(e.app, Options{Clock: e.clock, Report: func(context.Context, time.Time) error { return nil }})
	require.ErrorContains(t, err, `report.schedule: "0 25 * *"`)
	require.True(t, isConfigError(err))
}
