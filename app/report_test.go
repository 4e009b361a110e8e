package app_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/route"
)

// TestReportFollowupDeadline: the 跟进 sheet's 按时 counts followup.within
// as the reminder does, in the route's active windows and the calendar
// unless business_hours is false: a lead alerted at 17:55 into windows
// that close at 18:00 is on time until 10 minutes after the next opening.
func TestReportFollowupDeadline(t *testing.T) {
	zone, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	rules, err := route.Check("rules.yaml", []byte(`
calendar: {holidays: [2026-10-13]}
routes:
  - name: office
    active: {days: [mon-fri], from: "09:00", to: "18:00"}
    receivers: [sales]
    followup: {within: 15m}
  - name: wall-clock
    active: {days: [mon-fri], from: "09:00", to: "18:00"}
    receivers: [sales]
    followup: {within: 15m, business_hours: false}
  - name: none
    receivers: [sales]
`), nil)
	require.NoError(t, err)
	rules.Zone = zone
	opts := app.ReportOptions(&config.Config{Location: zone}, rules, nil)

	sent := time.Date(2026, 10, 12, 17, 55, 0, 0, zone) // a Monday; Tuesday is a holiday
	require.Len(t, opts.Followup, 2, "only the routes with a followup")
	require.Equal(t, time.Date(2026, 10, 14, 9, 10, 0, 0, zone), opts.Followup["office"](sent).In(zone))
	require.Equal(t, time.Date(2026, 10, 12, 18, 10, 0, 0, zone), opts.Followup["wall-clock"](sent).In(zone))
}
