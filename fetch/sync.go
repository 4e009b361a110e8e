package fetch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/store"
)

// ClueStore is what the syncer needs of the store.
type ClueStore interface {
	UpsertClues(ctx context.Context, clues []store.Clue) (store.UpsertStats, error)
	SyncState(ctx context.Context, advertiserID int64) (store.SyncState, error)
	SaveSyncState(ctx context.Context, s store.SyncState) error
}

// Lister lists one page of clues; *Client implements it.
type Lister interface {
	ListClues(ctx context.Context, ts TokenSource, req ListRequest) (*ListPage, error)
}

// TokenSourcer hands out an account's token source; *Tokens implements it.
type TokenSourcer interface {
	Source(a Account) TokenSource
}

// Syncer pulls clues incrementally per account and stores each once.
type Syncer struct {
	cfg    *Config
	api    Lister
	tokens TokenSourcer
	store  ClueStore
	log    *slog.Logger
	now    func() time.Time

	maxWindowRows int

	// Normalize, when set, fills the stored clue's normalized columns beyond
	// what the clue itself carries (province, city and store from form
	// answers, by the rules' field mapping).
	Normalize func(c *clue.Clue, sc *store.Clue)
	// Auths, when set, adds the active advertisers of the store's
	// authorizations to the configured accounts, read again every cycle.
	Auths AuthAdvertisers
	// OnPage, when set, is called after each stored page (progress bars).
	OnPage func(a Account, p PageProgress)
	// Hot, when set, reports whether an account has leads with follow-ups
	// still open; SyncDue then polls it as hot, every poll_interval.
	Hot func(ctx context.Context, advertiserID int64) (bool, error)
	// Changed, when set, is called with the ids of each stored page in
	// which a call status, progress or intention changed.
	Changed func(ids []string)
	// Open, when set, has each incremental pull also re-read the leads
	// with open follow-ups created before its lookback window (rereadOpen).
	Open OpenLeads
}

// PageProgress describes one stored page.
type PageProgress struct {
	Window     Window
	Page       int
	TotalCount int
	Stats      store.UpsertStats
}

// NewSyncer builds a syncer. now may be nil (time.Now).
func NewSyncer(cfg *Config, api Lister, tokens TokenSourcer, st ClueStore, logger *slog.Logger, now func() time.Time) *Syncer {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Syncer{cfg: cfg, api: api, tokens: tokens, store: st, log: logger, now: now, maxWindowRows: defaultMaxWindowRows}
}

// Result is the outcome of syncing one account.
type Result struct {
	Account  Account
	From, To time.Time
	Windows  int
	Pages    int
	Skipped  int // records the API sent that could not be decoded
	Stats    store.UpsertStats
	SyncedTo time.Time // the sync point after the run
	Duration time.Duration
	Err      error
}

// SyncAll syncs every configured account, at most cfg.Concurrency at once.
// It returns every account's result and the failures joined.
func (s *Syncer) SyncAll(ctx context.Context) ([]Result, error) { return s.SyncAllEach(ctx, nil) }

// SyncAllEach is SyncAll calling each, when not nil, with every account's
// result as soon as that account is pulled (from the goroutine that pulled
// it, so concurrently), so the caller can route and deliver what is stored
// while the other accounts are still being pulled.
func (s *Syncer) SyncAllEach(ctx context.Context, each func(Result)) ([]Result, error) {
	accounts, aerr := s.Accounts(ctx)
	results, err := s.forEachOf(ctx, accounts, func(a Account) Result {
		r := s.SyncAccount(ctx, a)
		if each != nil {
			each(r)
		}
		return r
	})
	return results, errors.Join(aerr, err)
}

// BackfillAll reads [from, to) for every account without touching their sync
// points.
func (s *Syncer) BackfillAll(ctx context.Context, from, to time.Time) ([]Result, error) {
	return s.forEach(ctx, func(a Account) Result { return s.Backfill(ctx, a, from, to) })
}

func (s *Syncer) forEach(ctx context.Context, fn func(Account) Result) ([]Result, error) {
	accounts, aerr := s.Accounts(ctx)
	results, err := s.forEachOf(ctx, accounts, fn)
	return results, errors.Join(aerr, err)
}

// forEachOf runs fn for each account, at most cfg.Concurrency at once.
func (s *Syncer) forEachOf(ctx context.Context, accounts []Account, fn func(Account) Result) ([]Result, error) {
	results := make([]Result, len(accounts))
	sem := make(chan struct{}, max(1, s.cfg.Concurrency))
	var wg sync.WaitGroup
	for i, a := range accounts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				// One account's bug must not take the daemon down with it.
				if v := recover(); v != nil {
					s.log.Error("account sync panicked", "advertiser_id", a.AdvertiserID, "panic", v, "stack", string(debug.Stack()))
					results[i] = Result{Account: a, Err: fmt.Errorf("sync panicked: %v", v)}
				}
			}()
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
				results[i] = fn(a)
			case <-ctx.Done():
				results[i] = Result{Account: a, Err: ctx.Err()}
			}
		}()
	}
	wg.Wait()
	var errs []error
	for _, r := range results {
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("account %s: %w", r.Account.Label(), r.Err))
		}
	}
	return results, errors.Join(errs...)
}

// SyncAccount reads from (sync point − lookback), or (now − backfill) on the
// first run, up to now, window by window, oldest first. The sync point moves
// to a window's end only after every page of the window is stored.
func (s *Syncer) SyncAccount(ctx context.Context, a Account) Result {
	start := s.now()
	now := start.Truncate(time.Second)
	st, err := s.store.SyncState(ctx, a.AdvertiserID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Result{Account: a, Err: fmt.Errorf("read sync state: %w", err)}
	}
	st.AdvertiserID = a.AdvertiserID
	from := now.Add(-s.cfg.Backfill)
	if !st.SyncedTo.IsZero() {
		from = st.SyncedTo.Add(-s.cfg.Lookback)
	}
	res := s.run(ctx, a, from, now, &st)
	if res.Err == nil && s.Open != nil {
		// Before last_success_at moves: a reminder waits for a read of its
		// lead made after it came due, however old the lead.
		res.Err = s.rereadOpen(ctx, a, from, &res)
	}
	// A pull cut short by shutdown says nothing of the account: it keeps
	// its last outcome (the windows it finished are saved all the same), so
	// that `cluebot accounts` does not show it failing after a stop.
	if interrupted := ctx.Err() != nil && res.Err != nil; !interrupted {
		st.LastRunAt = start
		st.LastError = ""
		if res.Err != nil {
			st.LastError = res.Err.Error()
		} else {
			st.LastSuccessAt = start
		}
	}
	if err := s.store.SaveSyncState(context.WithoutCancel(ctx), st); err != nil && res.Err == nil {
		res.Err = fmt.Errorf("save sync state: %w", err)
	}
	res.SyncedTo = st.SyncedTo
	res.Duration = s.now().Sub(start)
	return res
}

// Backfill reads [from, to) for one account. It never moves the sync point.
func (s *Syncer) Backfill(ctx context.Context, a Account, from, to time.Time) Result {
	start := s.now()
	res := s.run(ctx, a, from, to, nil)
	res.Duration = s.now().Sub(start)
	return res
}

// run syncs [from, to] window by window; with st set, each completed window
// advances st.SyncedTo and is saved.
func (s *Syncer) run(ctx context.Context, a Account, from, to time.Time, st *store.SyncState) Result {
	res := Result{Account: a, From: from, To: to}
	log := s.log.With("advertiser_id", a.AdvertiserID, "account", a.Name)
	ts := s.tokens.Source(a)
	for _, w := range SplitWindow(from, to, s.cfg.Window) {
		if err := s.syncWindow(ctx, log, a, ts, w, &res); err != nil {
			res.Err = err
			log.Warn("sync stopped", "window_start", w.Start, "window_end", w.End, "err", err)
			return res
		}
		res.Windows++
		if st != nil && w.End.After(st.SyncedTo) {
			st.SyncedTo = w.End
			if err := s.store.SaveSyncState(ctx, *st); err != nil {
				res.Err = fmt.Errorf("save sync state: %w", err)
				return res
			}
		}
	}
	log.Info("synced", "from", from, "to", to, "pages", res.Pages, "inserted", res.Stats.Inserted,
		"updated", res.Stats.Updated, "unchanged", res.Stats.Unchanged, "skipped", res.Skipped)
	return res
}
