package rulesdiff

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// officeHenan is baseRules with henan routing only on weekdays, 09:00 to
// 18:00.
const officeHenan = `
routes:
  - name: henan
    match: {province: 河南}
    receivers: [henan-sales]
    active: {days: [mon-fri], from: "09:00", to: "18:00"}
  - name: guangdong
    match: {province: 广东}
    receivers: [gd-sales]
  - name: everything-else
    receivers: [managers]
`

// TestRulesWindowIsWhenStored: the default window holds the leads stored
// in the last 7 days, now included, a lead created in 2021 and pulled today
// too, and not one stored 8 days ago however recent its create_time; the
// create_time still decides the active windows, on both backends.
func TestRulesWindowIsWhenStored(t *testing.T) {
	now := day.Add(24 * time.Hour) // Tuesday 10:00
	backfilled := time.Date(2021, 3, 7, 16, 10, 49, 0, beijing)
	require.Equal(t, time.Sunday, backfilled.Weekday())
	leads := []lead{
		{n: 1, province: "河南", city: "郑州", at: backfilled, stored: now.Add(-time.Hour)},
		{n: 2, province: "河南", city: "洛阳", at: now.Add(-30 * time.Minute)}, // Tuesday 09:30
		{n: 3, province: "广东", city: "深圳", at: now.Add(-6 * 24 * time.Hour)},
		{n: 4, province: "河南", city: "郑州", at: now.Add(-8 * 24 * time.Hour)},
		{n: 5, province: "河南", city: "开封", at: now.Add(-3 * time.Hour), stored: now.Add(-8 * 24 * time.Hour)},
		{n: 6, province: "广东", city: "广州", at: now}, // stored at the very instant of now
	}
	for _, be := range []struct {
		name string
		open func(t testing.TB, leads ...lead) Iterator
	}{
		{"sqlite", func(t testing.TB, leads ...lead) Iterator { return openSQLite(t, leads...) }},
		{"postgres", func(t testing.TB, leads ...lead) Iterator { return openPostgres(t, leads...) }},
	} {
		t.Run(be.name, func(t *testing.T) {
			st := be.open(t, leads...)
			since, err := ParseSince("")
			require.NoError(t, err)
			res, err := Replay(t.Context(), st, parse(t, baseRules), parse(t, officeHenan), Window(now, since),
				Options{Zone: beijing})
			require.NoError(t, err)
			require.Equal(t, 4, res.Leads, "leads 1, 2, 3 and 6")
			require.Equal(t, 1, res.Changed, "only the lead created on a Sunday leaves henan")
			require.Equal(t, Count{Before: 2, After: 1}, *res.Routes["henan"])
			require.Len(t, res.Examples, 1)
			require.Equal(t, leads[0].clue().ID, res.Examples[0].ID)
			require.Equal(t, []string{"everything-else"}, res.Examples[0].After)

			res, err = Replay(t.Context(), st, parse(t, baseRules), parse(t, officeHenan), Window(now, 2*time.Hour),
				Options{Zone: beijing})
			require.NoError(t, err)
			require.Equal(t, 3, res.Leads, "leads 1, stored an hour ago though created in 2021, 2 and 6")
		})
	}
}
