package route

import (
	"fmt"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Shanghai without the system's zoneinfo

	"github.com/stretchr/testify/require"
)

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	return loc
}

// at is a wall-clock time in Beijing; 2024-06-03 is a Monday.
func at(t *testing.T, day int, hhmm string) time.Time {
	t.Helper()
	return wall(t, fmt.Sprintf("2024-06-%02d %s:00", day, hhmm))
}

func TestActiveWindows(t *testing.T) {
	const mon, tue, fri, sat, sun = 3, 4, 7, 8, 9
	tests := []struct {
		name   string
		active string
		day    int
		clock  string
		want   bool
	}{
		{"weekday inside", `{days: [mon-fri], from: "09:00", to: "18:00"}`, tue, "09:00", true},
		{"weekday before", `{days: [mon-fri], from: "09:00", to: "18:00"}`, tue, "08:59", false},
		{"to is excluded", `{days: [mon-fri], from: "09:00", to: "18:00"}`, tue, "18:00", false},
		{"last minute", `{days: [mon-fri], from: "09:00", to: "18:00"}`, tue, "17:59", true},
		{"weekend", `{days: [mon-fri], from: "09:00", to: "18:00"}`, sat, "10:00", false},
		{"single digit hour", `{days: [mon], from: "9:00", to: "9:30"}`, mon, "09:15", true},
		{"days only", `{days: [sat, sun]}`, sun, "23:59", true},
		{"days only misses", `{days: [sat, sun]}`, mon, "00:00", false},
		{"full day names, any case", `{days: [Monday, TUE]}`, tue, "12:00", true},
		{"range over the week end", `{days: [sat-mon]}`, sun, "12:00", true},
		{"range over the week end excludes", `{days: [sat-mon]}`, tue, "12:00", false},
		{"hours only", `{from: "20:00"}`, tue, "23:00", true},
		{"until 24:00", `{from: "20:00", to: "24:00"}`, tue, "23:59", true},
		{"overnight evening", `{days: [fri], from: "20:00", to: "08:00"}`, fri, "21:00", true},
		{"overnight next morning", `{days: [fri], from: "20:00", to: "08:00"}`, sat, "07:59", true},
		{"overnight ends", `{days: [fri], from: "20:00", to: "08:00"}`, sat, "08:00", false},
		{"overnight not the day's own morning", `{days: [fri], from: "20:00", to: "08:00"}`, fri, "07:00", false},
		{"overnight not the next evening", `{days: [fri], from: "20:00", to: "08:00"}`, sat, "21:00", false},
		{"overnight sunday into monday", `{days: [sun], from: "22:00", to: "06:00"}`, mon, "05:00", true},
		{"list: any window", `[{days: [mon-fri], from: "09:00", to: "18:00"}, {days: [sat], from: "10:00", to: "16:00"}]`, sat, "11:00", true},
		{"list: none", `[{days: [mon-fri], from: "09:00", to: "18:00"}, {days: [sat], from: "10:00", to: "16:00"}]`, sat, "17:00", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rules := mustParse(t, "routes:\n  - name: r\n    active: "+tc.active+"\n    receivers: [x]\n")
			rules.Zone = shanghai(t)
			l := henanLead()
			require.Equal(t, tc.want, rules.Route(&l, at(t, tc.day, tc.clock)) != nil)
		})
	}
}

func TestActiveZone(t *testing.T) {
	rules := mustParse(t, `
routes:
  - name: office
    active: {days: [mon-fri], from: "09:00", to: "18:00"}
    receivers: [x]
  - name: night
    active: {days: [mon-fri], from: "18:00", to: "09:00"}
    receivers: [y]
`)
	// Tuesday 10:00 in Beijing is Tuesday 02:00 UTC: still Monday's night.
	now := at(t, 4, "10:00").UTC()
	l := henanLead()
	tests := []struct {
		name string
		zone *time.Location
		want []string
	}{
		{"beijing by default", nil, []string{"office"}},
		{"asia/shanghai", shanghai(t), []string{"office"}},
		{"utc clock", time.UTC, []string{"night"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.zone != nil {
				rules.Zone = tc.zone
			}
			require.Equal(t, tc.want, routeNames(rules, &l, now))
		})
	}
	require.True(t, rules.ByName("office").ActiveAt(now, shanghai(t)))
	require.False(t, rules.ByName("office").ActiveAt(now, time.UTC))
}

func TestParseDaysAndClock(t *testing.T) {
	bits, err := parseDays("mon-fri")
	require.NoError(t, err)
	require.Equal(t, uint8(0b0111110), bits)
	bits, err = parseDays("fri-mon")
	require.NoError(t, err)
	require.Equal(t, uint8(0b1100011), bits)
	for _, bad := range []string{"", "funday", "mon-", "mon-fri-sat", "周一"} {
		_, err := parseDays(bad)
		require.Error(t, err, bad)
	}
	for s, want := range map[string]int{"00:00": 0, "9:05": 545, "23:59": 1439} {
		m, err := parseClock(s, false)
		require.NoError(t, err, s)
		require.Equal(t, want, m, s)
	}
	m, err := parseClock("24:00", true)
	require.NoError(t, err)
	require.Equal(t, 1440, m)
	for _, bad := range []string{"24:00", "24:01", "12:60", "9am", "0900", "9:0", "-1:00", "123:00", " : "} {
		_, err := parseClock(bad, false)
		require.Error(t, err, bad)
	}
}
