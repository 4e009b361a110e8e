package storetest

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// RotationSequence checks that NextRotation of route with members members
// returns want, in order. Backends use it for their own tests too, such as a
// sequence that continues across a reopen of the store.
func RotationSequence(t *testing.T, s store.Store, route string, members int, want ...int) {
	t.Helper()
	got := make([]int, len(want))
	for i := range want {
		var err error
		got[i], err = s.NextRotation(t.Context(), route, members)
		require.NoError(t, err)
	}
	require.Equal(t, want, got, "route %q with %d members", route, members)
}

func testRotationSequence(t *testing.T, s store.Store, _ *clock) {
	steps := []struct {
		name    string
		route   string
		members int
		want    []int
	}{
		{"first turns", "henan-hot", 3, []int{0, 1, 2, 0}},
		{"another route has its own turn", "shenzhen", 2, []int{0, 1, 0}},
		{"the first route goes on", "henan-hot", 3, []int{1, 2, 0}},
		{"one member", "solo", 1, []int{0, 0, 0}},
		{"a member added", "henan-hot", 4, []int{3, 0, 1}}, // turns 7 to 9 of the route
		{"names differ by case", "Henan-Hot", 3, []int{0}},
		{"unicode name", "河南-热线", 2, []int{0, 1}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			RotationSequence(t, s, st.route, st.members, st.want...)
		})
	}

	for _, members := range []int{0, -1} {
		_, err := s.NextRotation(t.Context(), "henan-hot", members)
		require.Error(t, err, "%d members", members)
	}
	RotationSequence(t, s, "henan-hot", 3, 1) // a rejected call takes no turn: turn 10
}

func testConcurrentRotation(t *testing.T, s store.Store, _ *clock) {
	const workers, cycles = 8, 5
	ConcurrentRotation(t, []store.Store{s}, "busy", workers, cycles)
	RotationSequence(t, s, "busy", workers, 0, 1) // no turn was lost or taken twice
}

// ConcurrentRotation checks that workers goroutines, spread over stores
// (several stores on one database, as several instances), each taking
// cycles turns of route at once, are handed every position 0..workers-1
// exactly once per cycle.
func ConcurrentRotation(t *testing.T, stores []store.Store, route string, workers, cycles int) {
	t.Helper()
	got := make([][]int, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for g := range workers {
		s := stores[g%len(stores)]
		wg.Go(func() {
			for range cycles {
				pos, err := s.NextRotation(context.Background(), route, workers)
				if err != nil {
					errs[g] = err
					return
				}
				got[g] = append(got[g], pos)
			}
		})
	}
	wg.Wait()

	count := make([]int, workers)
	for g := range workers {
		require.NoError(t, errs[g], "worker %d", g)
		for _, pos := range got[g] {
			require.GreaterOrEqual(t, pos, 0)
			require.Less(t, pos, workers)
			count[pos]++
		}
	}
	for pos, n := range count {
		require.Equal(t, cycles, n, "position %d is handed out once per cycle", pos)
	}
}
