package storetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// Iterator is the part of a store GroupClues reads.
type Iterator interface {
	IterateClues(ctx context.Context, f store.ClueFilter, fn func(c *store.Clue) error) error
}

// GroupClues is what CountClueGroups must return, worked out from every
// clue IterateClues yields: the suite's reference, and a fake's
// CountClueGroups. Groups are in SortGroups order.
func GroupClues(ctx context.Context, src Iterator, f store.ClueFilter, by ...store.GroupBy) ([]store.ClueGroup, error) {
	if err := store.CheckGroupings(by); err != nil {
		return nil, err
	}
	counts := map[string]*store.ClueGroup{}
	err := src.IterateClues(ctx, f, func(c *store.Clue) error {
		for _, g := range by {
			k := store.ClueGroup{By: g, Routed: !c.RoutedAt.IsZero(), Routes: slices.Clone(c.Routes)}
			if len(k.Routes) == 0 {
				k.Routes = nil
			}
			switch g {
			case store.GroupPage:
				k.Text = c.PageName
			case store.GroupCity:
				k.Text = c.City
			case store.GroupIntention:
				k.Code = c.IntentionID
			case store.GroupSource:
				k.Code = c.SourceType
			case store.GroupCall:
				k.Code = c.PhoneStat
			case store.GroupQuarter:
				k.Start = c.CreateTime.UTC().Truncate(store.Quarter)
			case store.GroupDelivery:
				k.Sent, k.Pending, k.Dead = c.Sent > 0, c.Pending > 0, c.Dead > 0
			}
			key := groupKey(k)
			if counts[key] == nil {
				counts[key] = &k
			}
			counts[key].Count++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []store.ClueGroup // nil for none
	for _, g := range counts {
		out = append(out, *g)
	}
	SortGroups(out)
	return out, nil
}

// groupKey is a group's identity: everything but its count.
func groupKey(g store.ClueGroup) string {
	return fmt.Sprintf("%d\x00%s\x00%d\x00%d\x00%t%t%t%t\x00%s", g.By, g.Text, g.Code, g.Start.UnixMilli(),
		g.Sent, g.Pending, g.Dead, g.Routed, strings.Join(g.Routes, "\x00"))
}

// SortGroups orders groups by column, then identity, with every time in
// UTC, so two answers compare equal whatever order they came in.
func SortGroups(groups []store.ClueGroup) {
	for i := range groups {
		groups[i].Start = groups[i].Start.UTC()
	}
	slices.SortFunc(groups, func(a, b store.ClueGroup) int {
		return cmp.Or(cmp.Compare(a.By, b.By), strings.Compare(groupKey(a), groupKey(b)))
	})
}

func testCountClueGroups(t *testing.T, s store.Store, clk *clock) {
	const a, b = 90000000001, 90000000002
	base := time.Date(2025, 3, 1, 10, 0, 0, 0, vendorZone)
	pages, cities := []string{"宝马X3试驾", "", "暑期购车节"}, []string{"郑州", "洛阳", ""}
	// Clues either side of quarter-hour edges, over two days, of two accounts.
	offsets := []time.Duration{0, 14*time.Minute + 59*time.Second + 999*time.Millisecond, 15 * time.Minute,
		44 * time.Minute, 45 * time.Minute, 3 * time.Hour, 24 * time.Hour, 24*time.Hour + 15*time.Minute}
	var clues []store.Clue
	for i := range 24 {
		c := sampleClue(clueID(i), int64(a+i%2), base.Add(offsets[i%len(offsets)]))
		c.PageName, c.City = pages[i%3], cities[i%len(cities)*7%3]
		c.IntentionID, c.SourceType, c.PhoneStat = int64(i%4), int64(1+i%3), int64(101+i%5)
		clues = append(clues, c)
	}
	upsert(t, s, store.UpsertStats{Inserted: len(clues)}, clues...)
	// Routing: not yet, no route, one route, two; delivery pending, sent,
	// dead, or sent and dead.
	routings := [][]store.RouteResult{nil, {}, {{Route: "henan-hot", Receivers: []string{"ding", "henan-managers"}}},
		{{Route: "henan-hot", Receivers: []string{"ding"}}, {Route: "everything-else", Receivers: []string{"managers"}}},
		{{Route: "everything-else"}}}
	for i, c := range clues {
		res := routings[i%len(routings)]
		if res == nil {
			continue
		}
		_, err := s.SaveRouting(t.Context(), store.Routing{ClueID: c.ID, Results: res, RoutedAt: clk.Now()})
		require.NoError(t, err)
		items, err := s.OutboxItems(t.Context(), c.ID)
		require.NoError(t, err)
		for j, it := range items {
			switch (i + j) % 3 {
			case 1:
				require.NoError(t, s.MarkSent(t.Context(), []int64{it.ID}, clk.Now()))
			case 2:
				require.NoError(t, s.MarkDead(t.Context(), []int64{it.ID}, "gone"))
			}
		}
	}

	for _, tc := range []struct {
		name string
		f    store.ClueFilter
	}{
		{"everything", store.ClueFilter{}},
		{"one day", store.ClueFilter{From: base.Add(-time.Hour), To: base.Add(23 * time.Hour)}},
		{"one account", store.ClueFilter{AdvertiserID: b}},
		{"nothing", store.ClueFilter{From: base.Add(48 * time.Hour)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.CountClueGroups(t.Context(), tc.f, store.Groupings...)
			require.NoError(t, err)
			want, err := GroupClues(t.Context(), s, tc.f, store.Groupings...)
			require.NoError(t, err)
			SortGroups(got)
			if len(got) == 0 {
				got = nil
			}
			require.Equal(t, want, got)
			n, err := s.CountClues(t.Context(), tc.f)
			require.NoError(t, err)
			for _, g := range store.Groupings {
				sum := 0
				for _, gr := range got {
					if gr.By == g {
						sum += gr.Count
					}
				}
				require.Equal(t, n, sum, "every clue is in one %v group", g)
			}
		})
	}

	// A few groups by hand, lest the reference be wrong the same way.
	got, err := s.CountClueGroups(t.Context(), store.ClueFilter{To: base.Add(time.Hour)}, store.GroupQuarter, store.GroupDelivery)
	require.NoError(t, err)
	quarters := map[time.Time]int{}
	var notRouted, unrouted int
	for _, g := range got {
		switch g.By {
		case store.GroupQuarter:
			quarters[g.Start.UTC()] += g.Count
		case store.GroupDelivery:
			if !g.Routed {
				notRouted += g.Count
				require.False(t, g.Sent || g.Pending || g.Dead, "a clue not routed has no alerts")
			} else if g.Routes == nil {
				unrouted += g.Count
			}
		}
	}
	at := base.UTC()
	require.Equal(t, map[time.Time]int{at: 6, at.Add(15 * time.Minute): 3, at.Add(30 * time.Minute): 3, at.Add(45 * time.Minute): 3}, quarters,
		"10:14:59.999 is in the quarter from 10:00, 10:15 starts the next")
	require.Equal(t, 3, notRouted)
	require.Equal(t, 3, unrouted)

	none, err := s.CountClueGroups(t.Context(), store.ClueFilter{})
	require.NoError(t, err)
	require.Empty(t, none, "no columns, no groups")
	_, err = s.CountClueGroups(t.Context(), store.ClueFilter{}, store.GroupBy(99))
	require.ErrorContains(t, err, "unknown column")
}
