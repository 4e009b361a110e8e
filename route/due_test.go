package route

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// dueRules are the routes and calendar Due is tried on: the 2026 National
// Day week off (10-01 to 10-07) with make-up days on Sunday 09-27 (a
// Monday) and Saturday 10-10 (a Friday).
const dueRules = `
calendar:
  holidays: [2026-10-01, 2026-10-02, 2026-10-05, 2026-10-06, 2026-10-07]
  workdays: {2026-09-27: mon, 2026-10-10: fri}
routes:
  - name: office
    active: {days: [mon-fri], from: "09:00", to: "18:00"}
    receivers: [x]
  - name: nights
    active: {days: [mon-fri], from: "20:00", to: "08:00"}
    receivers: [x]
  - name: overlapping
    active:
      - {days: [mon-fri], from: "09:00", to: "18:00"}
      - {days: [mon], from: "12:00", to: "20:00"}
    receivers: [x]
  - name: always
    receivers: [x]
`

// wall is a wall-clock time in Beijing; 2026-10-12 is a Monday.
func wall(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04:05", s, shanghai(t))
	require.NoError(t, err)
	return tm
}

func TestDue(t *testing.T) {
	rules := mustParse(t, dueRules)
	rules.Zone = shanghai(t)
	tests := []struct {
		name  string
		route string
		start string
		d     time.Duration
		bh    bool
		want  string
	}{
		{"inside office hours", "office", "2026-10-12 10:00:00", 15 * time.Minute, true, "2026-10-12 10:15:00"},
		{"seconds are kept", "office", "2026-10-12 10:00:30", 15 * time.Minute, true, "2026-10-12 10:15:30"},
		{"17:55 runs on after the next opening", "office", "2026-10-12 17:55:00", 15 * time.Minute, true, "2026-10-13 09:10:00"},
		{"due right at closing", "office", "2026-10-12 17:45:00", 15 * time.Minute, true, "2026-10-12 18:00:00"},
		{"alerted before opening", "office", "2026-10-12 07:00:00", 15 * time.Minute, true, "2026-10-12 09:15:00"},
		{"alerted at night", "office", "2026-10-12 23:00:00", 15 * time.Minute, true, "2026-10-13 09:15:00"},
		{"friday evening waits for monday", "office", "2026-10-16 17:55:00", 15 * time.Minute, true, "2026-10-19 09:10:00"},
		{"saturday waits for monday", "office", "2026-10-17 11:00:00", time.Hour, true, "2026-10-19 10:00:00"},
		{"longer than a day's hours", "office", "2026-10-12 09:00:00", 20 * time.Hour, true, "2026-10-14 11:00:00"},
		{"holidays are skipped", "office", "2026-09-30 17:55:00", 15 * time.Minute, true, "2026-10-08 09:10:00"},
		{"a 调休 saturday counts as friday", "office", "2026-10-09 17:55:00", 15 * time.Minute, true, "2026-10-10 09:10:00"},
		{"a 调休 sunday counts as monday", "office", "2026-09-26 12:00:00", 15 * time.Minute, true, "2026-09-27 09:15:00"},
		{"overnight window crosses midnight", "nights", "2026-10-13 23:50:00", 30 * time.Minute, true, "2026-10-14 00:20:00"},
		{"overnight window closes at 08:00", "nights", "2026-10-13 07:55:00", 15 * time.Minute, true, "2026-10-13 20:10:00"},
		{"no monday morning after a sunday", "nights", "2026-10-12 07:00:00", 15 * time.Minute, true, "2026-10-12 20:15:00"},
		{"friday night runs into saturday", "nights", "2026-10-16 23:00:00", 3 * time.Hour, true, "2026-10-17 02:00:00"},
		{"the night before a holiday runs into it", "nights", "2026-09-30 23:00:00", 5 * time.Hour, true, "2026-10-01 04:00:00"},
		{"no night opens on a holiday", "nights", "2026-10-01 07:00:00", 2 * time.Hour, true, "2026-10-08 21:00:00"},
		{"overlapping windows count once", "overlapping", "2026-10-12 17:00:00", 2 * time.Hour, true, "2026-10-12 19:00:00"},
		{"no windows: always active", "always", "2026-10-01 23:55:00", 15 * time.Minute, true, "2026-10-02 00:10:00"},
		{"business_hours false: the wall clock", "office", "2026-10-12 17:55:00", 15 * time.Minute, false, "2026-10-12 18:10:00"},
		{"zero: start", "office", "2026-10-12 23:00:00", 0, true, "2026-10-12 23:00:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := rules.ByName(tc.route).Hours(rules.Zone)
			start := wall(t, tc.start)
			got := Due(start, tc.d, h, rules.Calendar(), tc.bh)
			require.Equal(t, wall(t, tc.want), got.In(rules.Zone), "got %s", got.In(rules.Zone))
			utc := Due(start.UTC(), tc.d, h, rules.Calendar(), tc.bh)
			require.Equal(t, got.UTC(), utc, "the zone of start does not matter, and is the result's")
		})
	}
}

func TestDeadlines(t *testing.T) {
	rules := mustParse(t, `
calendar: {holidays: [2026-10-01]}
routes:
  - name: office
    active: {days: [mon-fri], from: "09:00", to: "18:00"}
    receivers: [sales]
    followup: {within: 15m, escalate: {after: 30m, receivers: [managers]}}
  - name: wall-clock
    active: {days: [mon-fri], from: "09:00", to: "18:00"}
    receivers: [sales]
    followup: {within: 15m, escalate: {after: 30m, receivers: [managers]}, business_hours: false}
  - name: escalate-only
    active: {days: [mon-fri], from: "09:00", to: "18:00"}
    receivers: [sales]
    followup: {within: 15m, remind: false, escalate: {after: 1h, receivers: [managers]}}
  - name: remind-only
    receivers: [sales]
    followup: {within: 15m}
  - name: none
    receivers: [sales]
`)
	rules.Zone = shanghai(t)
	sent := wall(t, "2026-10-12 17:55:00")
	tests := []struct {
		route                    string
		within, remind, escalate string // "" for none
	}{
		{"office", "2026-10-13 09:10:00", "2026-10-13 09:10:00", "2026-10-13 09:25:00"},
		{"wall-clock", "2026-10-12 18:10:00", "2026-10-12 18:10:00", "2026-10-12 18:25:00"},
		{"escalate-only", "2026-10-13 09:10:00", "", "2026-10-13 09:55:00"},
		{"remind-only", "2026-10-12 18:10:00", "2026-10-12 18:10:00", ""},
		{"none", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.route, func(t *testing.T) {
			dl := rules.Deadlines(rules.ByName(tc.route), sent)
			for _, c := range []struct {
				got  time.Time
				want string
			}{{dl.Within, tc.within}, {dl.Remind, tc.remind}, {dl.Escalate, tc.escalate}} {
				if c.want == "" {
					require.True(t, c.got.IsZero(), "got %s", c.got)
				} else {
					require.Equal(t, wall(t, c.want), c.got.In(rules.Zone))
				}
			}
		})
	}
	// Escalation before a holiday keeps its distance after the reminder.
	dl := rules.Deadlines(rules.ByName("office"), wall(t, "2026-09-30 17:45:00"))
	require.Equal(t, wall(t, "2026-09-30 18:00:00"), dl.Remind.In(rules.Zone), "15 minutes on the day, due at closing")
	require.Equal(t, wall(t, "2026-10-02 09:15:00"), dl.Escalate.In(rules.Zone), "the 1st is a holiday")
}

func TestDueNeverOpens(t *testing.T) {
	// Windows only on holidays: the clock never runs, Due gives up a
	// century on, still no earlier than start.
	rules := mustParse(t, "calendar: {holidays: [2026-10-01]}\nroutes:\n  - name: a\n    active: {days: [thu], from: \"09:00\", to: \"10:00\"}\n    receivers: [x]\n")
	h := rules.ByName("a").Hours(nil)
	start := wall(t, "2026-09-30 12:00:00")
	due := Due(start, 100*365*24*time.Hour, h, rules.Calendar(), true)
	require.True(t, due.After(start.AddDate(99, 0, 0)), "got %s", due)
	require.Equal(t, due, Due(start, 200*365*24*time.Hour, h, rules.Calendar(), true), "the same horizon for longer ones")
}
