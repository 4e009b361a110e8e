package kuaishou

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLeadsWorkedAfterADelay(t *testing.T) {
	clock := &fakeClock{t: t0}
	s, hs := startSim(t, Options{Now: clock.Now, Seed: 11, Work: WorkConfig{Rate: 0.5, After: 15 * time.Minute}})
	for i := range 60 {
		s.Add(testAdv, map[string]any{"phone_stat": 0, "intention_id": 0, "create_time": at(t0.Add(-time.Duration(i) * time.Second)),
			"schedule": map[string]any{"schedule_id": 0, "schedule_desc": "新线索"}})
	}
	var workedAt string
	worked := func() (called, rated int) {
		for _, rec := range list(t, hs.URL, testAccess, map[string]any{"page_size": 100}).Details {
			if rec["phone_stat"] == json.Number("101") {
				called++
				require.Equal(t, "电话建联", rec["schedule"].(map[string]any)["schedule_desc"])
				require.Equal(t, workedAt, rec["update_time"], "updated when worked")
			}
			if rec["intention_id"] == json.Number("13") {
				rated++
			}
		}
		return called, rated
	}
	clock.Advance(15*time.Minute - time.Second)
	called, _ := worked()
	require.Zero(t, called, "nobody called before the delay")

	clock.Advance(time.Second)
	workedAt = at(clock.Now())
	called, rated := worked()
	require.InDelta(t, 30, called, 12, "about half the leads")
	require.Greater(t, rated, 0)
	require.Less(t, rated, called)
	require.Equal(t, called, s.Stats().Worked)

	clock.Advance(time.Hour)
	again, _ := worked()
	require.Equal(t, called, again, "worked once, the rest never")

	s.Add(testAdv, map[string]any{"id": "42", "phone_stat": 0})
	require.True(t, s.Work("42"))
	rec, _ := s.Get("42")
	require.Equal(t, json.Number("101"), rec["phone_stat"])
	require.False(t, s.Work("43"))
}

func TestNoWorkByDefault(t *testing.T) {
	clock := &fakeClock{t: t0}
	s, hs := startSim(t, Options{Now: clock.Now})
	s.Generate(testAdv, 50, t0.Add(-time.Hour), t0)
	before := list(t, hs.URL, testAccess, map[string]any{"page_size": 100}).Details
	clock.Advance(23 * time.Hour)
	after := list(t, hs.URL, testAccess, map[string]any{"page_size": 100}).Details
	require.Len(t, after, 50)
	require.Equal(t, before, after)
	require.Zero(t, s.Stats().Worked)
}
