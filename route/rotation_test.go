package route

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// fixedRotation returns turns from a list, or an error.
type fixedRotation struct {
	turns []int
	err   error
	seen  []string
}

func (f *fixedRotation) Next(_ context.Context, route string, members int) (int, error) {
	f.seen = append(f.seen, route)
	if f.err != nil {
		return 0, f.err
	}
	t := f.turns[0]
	f.turns = f.turns[1:]
	return t, nil
}

func threeMembers() *Route {
	return &Route{Name: "r", Mention: Mention{RoundRobin: []Member{{Name: "a"}, {Name: "b"}, {Name: "c"}}}}
}

func TestAssign(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		turn int
		want string
	}{
		{"first", 0, "a"},
		{"last", 2, "c"},
		{"wraps a turn beyond the members", 4, "b"},
		{"wraps a negative turn", -1, "c"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rot := &fixedRotation{turns: []int{tc.turn}}
			m, err := threeMembers().Assign(ctx, rot)
			require.NoError(t, err)
			require.Equal(t, tc.want, m.Name)
			require.Equal(t, []string{"r"}, rot.seen, "turns are kept per route name")
		})
	}

	t.Run("rotation error", func(t *testing.T) {
		boom := errors.New("store down")
		m, err := threeMembers().Assign(ctx, &fixedRotation{err: boom})
		require.ErrorIs(t, err, boom)
		require.EqualError(t, err, `route "r": next turn: store down`)
		require.Nil(t, m)
	})
	t.Run("no rotation", func(t *testing.T) {
		_, err := threeMembers().Assign(ctx, nil)
		require.Error(t, err)
	})
	t.Run("no round robin", func(t *testing.T) {
		rot := &fixedRotation{}
		m, err := (&Route{Name: "r"}).Assign(ctx, rot)
		require.NoError(t, err)
		require.Nil(t, m)
		require.Empty(t, rot.seen, "no turn used")
	})
	t.Run("member is a copy", func(t *testing.T) {
		rt := threeMembers()
		m, err := rt.Assign(ctx, &fixedRotation{turns: []int{0}})
		require.NoError(t, err)
		m.Name = "changed"
		require.Equal(t, "a", rt.Mention.RoundRobin[0].Name)
	})
}

func TestMemoryRotation(t *testing.T) {
	ctx := context.Background()
	var rot MemoryRotation
	var got []int
	for range 5 {
		i, err := rot.Next(ctx, "a", 3)
		require.NoError(t, err)
		got = append(got, i)
	}
	require.Equal(t, []int{0, 1, 2, 0, 1}, got)
	i, err := rot.Next(ctx, "b", 3)
	require.NoError(t, err)
	require.Equal(t, 0, i, "routes rotate independently")
	i, err = rot.Next(ctx, "a", 2)
	require.NoError(t, err)
	require.Equal(t, 1, i, "turn 5 of a route shrunk to 2 members")
	_, err = rot.Next(ctx, "a", 0)
	require.Error(t, err)
}

func TestMemoryRotationConcurrent(t *testing.T) {
	var rot MemoryRotation
	rt := threeMembers()
	counts := map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 30 {
				m, err := rt.Assign(context.Background(), &rot)
				if err != nil {
					panic(err)
				}
				mu.Lock()
				counts[m.Name]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	require.Equal(t, map[string]int{"a": 80, "b": 80, "c": 80}, counts, "every turn handed out once")
}
