package kuaishou

import (
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestOnListHookShiftsPages(t *testing.T) {
	cases := []struct {
		name        string
		oldestFirst bool
		repeats     bool // a row of page 1 comes back on page 2
	}{
		{"newest first: a new clue pushes a row onto the next page", false, true},
		{"oldest first: a new clue lands at the end", true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, hs := startSim(t, Options{Seed: 11, OldestFirst: tc.oldestFirst})
			s.Generate(testAdv, 10, t0.Add(-time.Hour), t0)
			var calls atomic.Int32
			s.OnList(func(req ListRequest, page int) {
				calls.Add(1)
				require.Equal(t, testAdv, req.AdvertiserID)
				require.Equal(t, testAccess, req.AccessToken)
				if page == 2 {
					s.Add(testAdv, map[string]any{"id": json.Number("999999999999999999"), "create_time": at(t0)})
				}
			})
			body := func(page int) map[string]any {
				return map[string]any{"page": page, "page_size": 5, "start_time": at(t0.Add(-time.Hour)), "end_time": at(t0)}
			}
			p1 := list(t, hs.URL, testAccess, body(1))
			require.EqualValues(t, 10, p1.Total)
			p2 := list(t, hs.URL, testAccess, body(2))
			require.EqualValues(t, 11, p2.Total)
			require.EqualValues(t, 2, calls.Load())
			first, second := ids(t, p1.Details), ids(t, p2.Details)
			if tc.repeats {
				require.Equal(t, first[4], second[0])
			} else {
				require.NotContains(t, second, first[4])
			}

			s.OnList(nil)
			list(t, hs.URL, testAccess, body(1))
			list(t, hs.URL, "bad-token", body(1)) // refused calls never reach the hook
			require.EqualValues(t, 2, calls.Load())
		})
	}
}

func TestUpdate(t *testing.T) {
	clock := &fakeClock{t: t0}
	s, hs := startSim(t, Options{Seed: 5, Now: clock.Now})
	ids := s.Generate(testAdv, 5, t0.Add(-time.Hour), t0.Add(-30*time.Minute))
	target := ids[2]
	before, ok := s.Get(target)
	require.True(t, ok)
	clock.Advance(10 * time.Minute)

	cases := []struct {
		name  string
		fn    func(c map[string]any)
		check func(t *testing.T, c map[string]any)
	}{
		{"intention change bumps update_time", func(c map[string]any) { c["intention_id"] = 13 },
			func(t *testing.T, c map[string]any) {
				require.Equal(t, json.Number("13"), c["intention_id"])
				require.Equal(t, at(clock.Now()), c["update_time"])
			}},
		{"explicit update_time is kept", func(c map[string]any) { c["update_time"] = "2024-05-20 11:11:11" },
			func(t *testing.T, c map[string]any) { require.Equal(t, "2024-05-20 11:11:11", c["update_time"]) }},
		{"id cannot change", func(c map[string]any) { c["id"] = "1" },
			func(t *testing.T, c map[string]any) { require.Equal(t, json.Number(target), c["id"]) }},
		{"new create_time moves the clue first", func(c map[string]any) { c["create_time"] = at(t0) },
			func(t *testing.T, c map[string]any) { require.Equal(t, target, s.IDs(testAdv)[0]) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s.Update(target, tc.fn)
			after, ok := s.Get(target)
			require.True(t, ok)
			require.Equal(t, before["phone"], after["phone"])
			tc.check(t, after)
		})
	}
	require.Len(t, s.IDs(testAdv), 5)
	s.Update("123", func(map[string]any) { t.Fatal("called for an unknown id") })

	r := list(t, hs.URL, testAccess, map[string]any{"page": 1, "page_size": 1})
	require.Equal(t, []string{target}, idsOf(t, r))
}

func idsOf(t *testing.T, r reply) []string { t.Helper(); return ids(t, r.Details) }

func TestAddKeepsRecords(t *testing.T) {
	clock := &fakeClock{t: t0}
	s := New(Options{Seed: 1, Now: clock.Now})
	rec := map[string]any{"id": "400000000000000001", "user_name": "张三", "extra": map[string]any{"n": 1}}
	s.Add(testAdv, rec, map[string]any{"user_name": "no id"}, map[string]any{"id": "abc"})
	rec["user_name"] = "changed after Add"

	got, ok := s.Get("400000000000000001")
	require.True(t, ok)
	require.Equal(t, "张三", got["user_name"])
	require.Equal(t, at(t0), got["create_time"], "a missing create_time is set to Now")
	require.Equal(t, map[string]any{"n": json.Number("1")}, got["extra"])

	all := s.IDs(testAdv)
	require.Len(t, all, 3)
	require.Contains(t, all, "raw:1")
	raw, _ := s.Get("raw:1")
	require.Equal(t, "abc", raw["id"], "an id that is not a decimal is kept verbatim")

	s.Add(testAdv, map[string]any{"id": json.Number("400000000000000001"), "user_name": "李四"})
	require.Len(t, s.IDs(testAdv), 3, "the same id replaces the record")
	got, _ = s.Get("400000000000000001")
	require.Equal(t, "李四", got["user_name"])
	require.Nil(t, s.IDs(999))
}
