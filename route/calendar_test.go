package route

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// octRules has office hours on weekdays and an overnight window on
// Wednesdays and Thursdays, with the 2026 National Day calendar: 10-01 (Thursday) to 10-02
// are holidays and Sunday 10-11 is a make-up Friday.
const octRules = `
calendar:
  holidays: [2026-10-01, 2026-10-02]
  workdays: {2026-10-11: fri}
routes:
  - name: office
    active: {days: [mon-fri], from: "09:00", to: "18:00"}
    receivers: [x]
  - name: night
    active: {days: [wed, thu], from: "20:00", to: "08:00"}
    receivers: [y]
  - name: always
    receivers: [z]
`

// oct is a wall-clock time in Beijing in October 2026.
func oct(t *testing.T, day int, hhmm string) time.Time {
	t.Helper()
	return wall(t, fmt.Sprintf("2026-10-%02d %s:00", day, hhmm))
}

func TestCalendarInRouting(t *testing.T) {
	rules := mustParse(t, octRules)
	rules.Zone = shanghai(t)
	tests := []struct {
		name  string
		day   int
		clock string
		want  []string
	}{
		{"holiday thursday: office closed", 1, "10:00", []string{"always"}},
		{"holiday friday: office closed", 2, "10:00", []string{"always"}},
		{"the night before a holiday still runs into it", 1, "07:00", []string{"night"}},
		{"no overnight window opens on a holiday", 1, "21:00", []string{"always"}},
		{"nor runs on after one", 2, "07:00", []string{"always"}},
		{"make-up sunday counts as friday", 11, "10:00", []string{"office"}},
		{"make-up friday closes like friday", 11, "18:00", []string{"always"}},
		{"an ordinary sunday", 4, "10:00", []string{"always"}},
		{"an ordinary thursday", 8, "21:00", []string{"night"}},
		{"and its friday morning", 9, "07:59", []string{"night"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := henanLead()
			require.Equal(t, tc.want, routeNames(rules, &l, oct(t, tc.day, tc.clock)))
			require.Equal(t, tc.want[0] == "office", rules.ByName("office").ActiveAt(oct(t, tc.day, tc.clock), rules.Zone))
		})
	}
}

func TestCalendarDays(t *testing.T) {
	cal := mustParse(t, octRules).Calendar()
	zone := shanghai(t)
	require.True(t, cal.Holiday(oct(t, 1, "00:00"), zone))
	require.True(t, cal.Holiday(oct(t, 2, "23:59"), zone))
	require.False(t, cal.Holiday(oct(t, 3, "00:00"), zone))
	require.True(t, cal.Holiday(oct(t, 1, "00:00").UTC(), zone), "read in the zone, not UTC")

	wd, ok := cal.Weekday(oct(t, 11, "12:00"), zone)
	require.True(t, ok)
	require.Equal(t, time.Friday, wd)
	wd, ok = cal.Weekday(oct(t, 12, "12:00"), zone)
	require.True(t, ok)
	require.Equal(t, time.Monday, wd)
	_, ok = cal.Weekday(oct(t, 1, "12:00"), zone)
	require.False(t, ok)

	var none *Calendar
	require.False(t, none.Holiday(oct(t, 1, "12:00"), nil))
	require.Nil(t, mustParse(t, "calendar: {}\nroutes: [{name: a, receivers: [x]}]\n").Calendar(), "an empty calendar is none")
}

// TestClockAtReadsTheWallClock: clockAt's arithmetic agrees with time's
// Weekday, Hour and Minute, in zones with and without daylight saving.
func TestClockAtReadsTheWallClock(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	// A calendar of one day in 2099 changes none of these dates, but takes
	// clockAt's other path.
	far := mustParse(t, "calendar: {holidays: [2099-01-01]}\nroutes: [{name: a, receivers: [x]}]\n").Calendar()
	for _, zone := range []*time.Location{shanghai(t), time.UTC, ny, time.FixedZone("odd", -(3*3600 + 30*60))} {
		for at := time.Date(1969, 12, 25, 0, 0, 0, 0, time.UTC); at.Year() < 2031; at = at.Add(7*time.Hour + 13*time.Minute + 7*time.Second) {
			local := at.In(zone)
			want := clock{today: 1 << local.Weekday(), yesterday: 1 << ((local.Weekday() + 6) % 7), minute: local.Hour()*60 + local.Minute()}
			for _, cal := range []*Calendar{nil, far} {
				if got := clockAt(at, zone, cal); got != want {
					t.Fatalf("%s in %s (calendar %v): got %+v, want %+v", at, zone, cal != nil, got, want)
				}
			}
		}
	}
}

func TestCivilDay(t *testing.T) {
	for _, d := range []time.Time{
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 10, 11, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(1600, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-5, 7, 4, 0, 0, 0, 0, time.UTC),
	} {
		n := civilDay(d.Date())
		require.Equal(t, d.Unix()/86400, n, d.String())
		require.Equal(t, d.Weekday(), civilWeekday(n), d.String())
	}
}

func TestCalendarErrors(t *testing.T) {
	const routes = "routes: [{name: a, receivers: [x]}]\n"
	tests := []struct {
		name, src string
		want      []string
	}{
		{"bad holiday", "calendar:\n  holidays: [2026-10-01, 2026-13-01, 10/02]\n" + routes, []string{
			`rules.yaml:2: bad date "2026-13-01" in calendar.holidays (want YYYY-MM-DD, like 2026-10-01)`,
			`rules.yaml:2: bad date "10/02" in calendar.holidays (want YYYY-MM-DD, like 2026-10-01)`,
		}},
		{"duplicate holiday", "calendar:\n  holidays:\n    - 2026-10-01\n    - 2026-10-01\n" + routes, []string{
			`rules.yaml:4: duplicate holiday 2026-10-01 in calendar.holidays (first at line 3)`,
		}},
		{"holiday and workday", "calendar:\n  holidays: [2026-10-11]\n  workdays: {2026-10-11: fri}\n" + routes, []string{
			`rules.yaml:3: 2026-10-11 is both a holiday (line 2) and a workday in calendar`,
		}},
		{"workday day", "calendar:\n  workdays:\n    2026-10-11: friyay\n    2026-10-10: mon-fri\n" + routes, []string{
			`rules.yaml:3: unknown day "friyay" in calendar.workdays.2026-10-11 (want one of mon, tue, wed, thu, fri, sat, sun)`,
			`rules.yaml:4: unknown day "mon-fri" in calendar.workdays.2026-10-10 (want one of mon, tue, wed, thu, fri, sat, sun)`,
		}},
		{"workday that is that day already", "calendar:\n  workdays: {2026-10-12: mon}\n" + routes, []string{
			`rules.yaml:2: calendar.workdays.2026-10-12: 2026-10-12 is a mon already (a workday names the weekday a day off counts as)`,
		}},
		{"bad workday date", "calendar:\n  workdays: {10-11: fri}\n" + routes, []string{
			`rules.yaml:2: bad date "10-11" in calendar.workdays (want YYYY-MM-DD, like 2026-10-01)`,
		}},
		{"out of range", "calendar:\n  holidays: [1999-12-31]\n  workdays: {2100-01-02: fri}\n" + routes, []string{
			`rules.yaml:2: date 1999-12-31 in calendar.holidays is not in the years 2000 to 2099`,
			`rules.yaml:3: date 2100-01-02 in calendar.workdays is not in the years 2000 to 2099`,
		}},
		{"calendar typo", "calendar:\n  holiday: [2026-10-01]\n" + routes, []string{
			`rules.yaml:2: unknown key "holiday" in calendar (want holidays, workdays)`,
		}},
		{"calendar not a mapping", "calendar: [2026-10-01]\n" + routes, []string{
			`rules.yaml:1: calendar must be a mapping`,
		}},
		{"workdays not a mapping", "calendar:\n  workdays: [2026-10-11]\n" + routes, []string{
			`rules.yaml:2: calendar.workdays must be a mapping`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, errorLines(t, tc.src))
		})
	}
}
