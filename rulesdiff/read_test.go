package rulesdiff

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

func TestRulesSplit(t *testing.T) {
	from := time.Date(2025, 3, 1, 0, 0, 0, 123_456_789, time.UTC)
	to := from.Add(7 * 24 * time.Hour)
	for _, n := range []int{1, 2, 3, 7, 1000} {
		parts := split(store.ClueFilter{From: from, To: to, AdvertiserID: 5}, n)
		require.Len(t, parts, n)
		require.Equal(t, from, parts[0].From, "the first part starts where the window does")
		require.Equal(t, to, parts[n-1].To, "the last part ends where the window does")
		for i := range parts {
			require.Equal(t, int64(5), parts[i].AdvertiserID)
			require.True(t, parts[i].To.After(parts[i].From))
			if i > 0 {
				require.Equal(t, parts[i-1].To, parts[i].From, "parts meet")
				require.Zero(t, parts[i].From.Nanosecond()%int(time.Millisecond), "on a whole millisecond")
			}
		}
	}
	open := store.ClueFilter{From: from}
	require.Equal(t, []store.ClueFilter{open}, split(open, 4), "a window open at one end is one part")
	tiny := store.ClueFilter{From: from, To: from.Add(time.Millisecond)}
	require.Equal(t, []store.ClueFilter{tiny}, split(tiny, 4))
}

// TestRulesReplayReaders: reading a window in parts at once gives the
// same result, examples in the same order, on both backends, whether the
// window bounds create_time or, as rules diff reads, when the leads were
// stored: here in the reverse order of their creation.
func TestRulesReplayReaders(t *testing.T) {
	var leads []lead
	for i := range 300 {
		leads = append(leads, lead{n: i, province: []string{"河南", "广东", "上海"}[i%3],
			at: day.Add(time.Duration(i) * 7 * time.Minute), stored: day.Add(time.Duration(299-i) * 7 * time.Minute)})
	}
	from, to := day.Add(-time.Hour), day.Add(40*time.Hour)
	for _, be := range []struct {
		name string
		open func(t testing.TB, leads ...lead) Iterator
	}{
		{"sqlite", func(t testing.TB, leads ...lead) Iterator { return openSQLite(t, leads...) }},
		{"postgres", func(t testing.TB, leads ...lead) Iterator { return openPostgres(t, leads...) }},
	} {
		st := be.open(t, leads...)
		for _, w := range []struct {
			name  string
			f     store.ClueFilter
			first string
		}{
			{"created", store.ClueFilter{From: from, To: to}, "2974516040085363000000"},
			{"stored", store.ClueFilter{From: from, To: to, ByFirstSeen: true}, "2974516040085363000297"},
		} {
			t.Run(be.name+" "+w.name, func(t *testing.T) {
				var want *Result
				for _, readers := range []int{1, 2, 3, 8} {
					res, err := Replay(t.Context(), st, parse(t, baseRules), parse(t, withoutHenan), w.f,
						Options{Zone: beijing, Readers: readers})
					require.NoError(t, err)
					require.Equal(t, 300, res.Leads)
					require.Equal(t, 100, res.Changed)
					if want == nil {
						want = res
						continue
					}
					require.Equal(t, want, res, "%d readers", readers)
				}
				require.Len(t, want.Examples, DefaultExamples)
				require.Equal(t, w.first, want.Examples[0].ID, "the earliest first")
			})
		}
	}
}

// failing is a store whose read of one part fails.
type failing struct {
	Iterator
	at time.Time
}

func (f failing) IterateRoutingRows(ctx context.Context, cf store.ClueFilter, fn func(c *store.Clue) error) error {
	if cf.From.Equal(f.at) {
		return errors.New("disk gone")
	}
	return f.Iterator.IterateRoutingRows(ctx, cf, fn)
}

func TestRulesReplayReadFails(t *testing.T) {
	st := openSQLite(t, replayLeads...)
	f := store.ClueFilter{From: day, To: day.Add(12 * time.Hour)}
	parts := split(f, 3)
	_, err := Replay(t.Context(), failing{st, parts[1].From}, parse(t, baseRules), parse(t, withoutHenan), f, Options{Readers: 3})
	require.ErrorContains(t, err, "disk gone")
}

// TestRulesExamplesKeepTheEarliest: a worker handed batches of later parts
// first still keeps the earliest examples.
func TestRulesExamplesKeepTheEarliest(t *testing.T) {
	w := newWorker(parse(t, baseRules), parse(t, baseRules), Options{}, 3)
	for _, seq := range []int64{900, 800, 700, 600, 500, 400, 5, 950, 3, 1, 4, 2, 960} {
		w.keep(seq)
	}
	got := merge(w.before, w.after, []*worker{w}, 3)
	require.Len(t, got.Examples, 3)
	var seqs []int64
	sortExamples(w.examples)
	for _, e := range w.examples[:3] {
		seqs = append(seqs, e.seq)
	}
	require.Equal(t, []int64{1, 2, 3}, seqs)
}
