package storetest

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// FollowupSet is the data set of the follow-up benchmarks: Open timers
// waiting for a follow-up, spread over Accounts accounts (ten a account,
// at most 10,000 accounts), their alerts sent over the 20 minutes before
// FollowupNow with a 15-minute reminder and a 30-minute escalation, so a
// quarter of them are due. Each account was last read successfully up to
// two minutes before FollowupNow, so some due timers still wait for a
// re-read, as in a running daemon. Done more timers, of alerts sent in the
// hours before, were followed up: the history every finished timer leaves.
type FollowupSet struct {
	Open, Accounts, Done int
}

// FollowupNow is when the follow-up benchmarks poll.
var FollowupNow = time.Date(2025, 9, 1, 10, 0, 0, 0, time.UTC)

// followupSpan is how far back the set's alerts went out.
const followupSpan = 20 * time.Minute

// FollowupScale returns the set: CLUEBOT_BENCH_FOLLOWUPS open timers
// (100000 for the figure), 2,000 by default so `make bench` stays
// quick; as many again followed up earlier.
func FollowupScale(tb testing.TB) FollowupSet {
	n := 2000
	if v := os.Getenv("CLUEBOT_BENCH_FOLLOWUPS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 10 {
			tb.Fatalf("CLUEBOT_BENCH_FOLLOWUPS=%q: want a number of at least 10", v)
		}
	}
	return FollowupSet{Open: n, Accounts: min(max(n/10, 1), 10_000), Done: n}
}

// Account is the advertiser id of the set's account i.
func (f FollowupSet) Account(i int) int64 { return int64(70000000000 + i) }

// Timer returns the set's timer i: its clue, account and times. Timers
// from Open on are the followed-up ones, sent in the 24 hours before.
func (f FollowupSet) Timer(i int) (id string, acct int64, sent, remind, escalate time.Time) {
	sent = FollowupNow.Add(-followupSpan + time.Duration(int64(followupSpan)/int64(f.Open)*int64(i)))
	if i >= f.Open {
		sent = FollowupNow.Add(-25*time.Hour + time.Duration(int64(24*time.Hour)/int64(f.Done)*int64(i-f.Open)))
	}
	return fmt.Sprintf("3%018d", i), f.Account(i % f.Accounts), sent, sent.Add(15 * time.Minute), sent.Add(30 * time.Minute)
}

// Clue returns the lead of the set's timer i.
func (f FollowupSet) Clue(i int) store.Clue {
	id, acct, sent, _, _ := f.Timer(i)
	return store.Clue{ID: id, AdvertiserID: acct, CreateTime: sent.Add(-time.Minute), UpdateTime: sent.Add(-time.Minute),
		IntentionID: 1, UserName: "张先生", Phone: "13800000000", PageName: "春季装修", Raw: []byte(`{}`)}
}

// DoneAt returns when the set's timer i was followed up: 5 minutes after
// its alert for the Done ones, zero for the open ones.
func (f FollowupSet) DoneAt(i int) time.Time {
	if i < f.Open {
		return time.Time{}
	}
	_, _, sent, _, _ := f.Timer(i)
	return sent.Add(5 * time.Minute)
}

// LastRead returns when the set's account i was last read successfully.
func (f FollowupSet) LastRead(i int) time.Time {
	return FollowupNow.Add(-time.Duration(i%120) * time.Second)
}

// Due counts the set's timers due at FollowupNow (the reminder's time
// passed), whether or not their account was re-read since.
func (f FollowupSet) Due() int {
	n := 0
	for i := range f.Open {
		if _, _, _, remind, _ := f.Timer(i); !remind.After(FollowupNow) {
			n++
		}
	}
	return n
}

// SeedFollowups stores the set through the store's own calls, as the
// pipeline makes it: each lead stored and routed, its alert sent, its timer
// scheduled (and the Done ones followed up 5 minutes after their alert);
// then each account's last successful read.
func SeedFollowups(b *testing.B, s store.Store, f FollowupSet) {
	ctx := b.Context()
	const batch = 500
	all := f.Open + f.Done
	for first := 0; first < all; first += batch {
		n := min(batch, all-first)
		clues := make([]store.Clue, n)
		for k := range clues {
			clues[k] = f.Clue(first + k)
		}
		_, err := s.UpsertClues(ctx, clues)
		require.NoError(b, err)
		for _, c := range clues {
			saved, err := s.SaveRouting(ctx, store.Routing{ClueID: c.ID, RoutedAt: c.CreateTime,
				Results: []store.RouteResult{{Route: "hot", Assignee: "张三", Receivers: []string{"sales"}}}})
			require.NoError(b, err)
			require.True(b, saved)
		}
		items, err := s.ClaimOutbox(ctx, store.Claim{Receiver: "sales", Owner: "bench", Now: FollowupNow,
			Lease: time.Minute, Limit: n})
		require.NoError(b, err)
		require.Len(b, items, n)
		ids := make([]int64, n)
		for k := range items {
			ids[k] = items[k].ID
		}
		_, _, sent, _, _ := f.Timer(first)
		require.NoError(b, s.MarkSent(ctx, ids, sent))
		for k := range n {
			id, _, _, remind, escalate := f.Timer(first + k)
			require.NoError(b, s.ScheduleFollowup(ctx, id, "hot", remind, escalate, f.DoneAt(first+k)))
		}
	}
	for i := range f.Accounts {
		read := f.LastRead(i)
		require.NoError(b, s.SaveSyncState(ctx, store.SyncState{AdvertiserID: f.Account(i), SyncedTo: read,
			LastRunAt: read, LastSuccessAt: read}))
	}
	CheckFollowups(b, s, f)
}

// CheckFollowups fails b unless s holds the set f: its open and due timers
// counted, its last timer followed up when some are.
func CheckFollowups(b *testing.B, s store.Store, f FollowupSet) {
	ctx := b.Context()
	all := f.Open + f.Done
	st, err := s.FollowupStats(ctx, FollowupNow)
	require.NoError(b, err)
	require.Equal(b, store.FollowupStats{Open: f.Open, Overdue: f.Due()}, st, "seeded")
	fs, err := s.ClueFollowups(ctx, fmt.Sprintf("3%018d", all-1))
	require.NoError(b, err)
	require.Len(b, fs, 1)
	require.Equal(b, f.Done > 0, !fs[0].DoneAt.IsZero(), "the last timer seeded is followed up when some are")
}

// Explain returns the rows a backend's plan of the due-timer scan touched
// (read from its EXPLAIN ANALYZE), or -1 when the backend cannot tell.
type Explain func(now time.Time, limit int) int64

// BenchFollowupScan measures what the follow-up job and the scheduler ask
// of the store each poll with the set stored (seed stores it; nil when it
// is stored already): "due", the scan for due reminders and escalations
// (DueFollowups, batch 500); "stats", the open and overdue counts
// (FollowupStats, the gauge); "account", the hot-polling probe of one
// account (HasOpenFollowups, once per account pulled). It reports the rows
// each returns and, for "due", the rows its plan touched when explain
// tells.
func BenchFollowupScan(b *testing.B, s store.Store, f FollowupSet, seed func(), explain Explain) {
	if seed != nil {
		start := time.Now()
		seed()
		b.Logf("seeded %d open and %d followed-up timers over %d accounts in %s", f.Open, f.Done, f.Accounts,
			time.Since(start).Round(time.Millisecond))
	}
	ctx := b.Context()
	due := f.Due()
	b.Run(fmt.Sprintf("due/open=%d", f.Open), func(b *testing.B) {
		rows := 0
		for b.Loop() {
			fs, err := s.DueFollowups(ctx, FollowupNow, 500)
			require.NoError(b, err)
			rows = len(fs)
		}
		require.Positive(b, rows, "some due timers' accounts were re-read")
		b.ReportMetric(float64(rows), "rows-returned/op")
		b.ReportMetric(float64(due), "due-timers")
		if explain != nil {
			if n := explain(FollowupNow, 500); n >= 0 {
				b.ReportMetric(float64(n), "rows-touched/op")
			}
		}
	})
	b.Run(fmt.Sprintf("stats/open=%d", f.Open), func(b *testing.B) {
		var st store.FollowupStats
		for b.Loop() {
			var err error
			st, err = s.FollowupStats(ctx, FollowupNow)
			require.NoError(b, err)
		}
		require.Equal(b, f.Open, st.Open)
		b.ReportMetric(float64(st.Open), "rows-counted/op")
	})
	b.Run(fmt.Sprintf("account/open=%d", f.Open), func(b *testing.B) {
		i := 0
		for b.Loop() {
			has, err := s.HasOpenFollowups(ctx, f.Account(i%f.Accounts))
			require.NoError(b, err)
			require.True(b, has)
			i++
		}
	})
}
