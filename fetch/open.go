package fetch

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// OpenLeads is what a pull reads of the store to re-read the leads with
// follow-ups still open that were created before its lookback window;
// store.Followups implements it.
type OpenLeads interface {
	OpenFollowupTimes(ctx context.Context, advertiserID int64, before time.Time) ([]time.Time, error)
	StoredClueTimes(ctx context.Context, advertiserID int64, from, to time.Time, limit int) ([]time.Time, error)
}

// maxStoredTimes bounds the stored create times read to group the open
// leads of one account; beyond it, each open lead is read on its own.
const maxStoredTimes = 50000

// rereadOpen re-reads, without moving the sync point, the windows of the
// account's leads with open follow-ups created before from (the start of
// the incremental read), so a follow-up made at the vendor is noticed
// within a poll interval however old the lead, and a reminder never goes
// out on stale data. It costs one call per window openWindows makes.
func (s *Syncer) rereadOpen(ctx context.Context, a Account, from time.Time, res *Result) error {
	open, err := s.Open.OpenFollowupTimes(ctx, a.AdvertiserID, from)
	if err != nil || len(open) == 0 {
		return err
	}
	stored, err := s.Open.StoredClueTimes(ctx, a.AdvertiserID, open[0], from, maxStoredTimes)
	if err != nil {
		return err
	}
	log := s.log.With("advertiser_id", a.AdvertiserID, "account", a.Name)
	ts := s.tokens.Source(a)
	ws := openWindows(open, stored, s.cfg.PageSize, s.cfg.Window)
	for _, w := range ws {
		if err := s.syncWindow(ctx, log, a, ts, w, res); err != nil {
			return fmt.Errorf("re-read leads with open follow-ups: %w", err)
		}
		res.Windows++
	}
	log.Debug("re-read leads with open follow-ups", "open", len(open), "windows", len(ws))
	return nil
}

// openWindows groups the create times of leads with open follow-ups
// (ascending) into windows to list: a window grows to the next open lead
// while the stored leads it spans fit one page, and no longer than maxLen,
// so N open leads cost at most N calls and usually far fewer (a quiet
// account's whole evening in one). stored are the account's stored create
// times from the first open lead on, ascending; when they stop short of an
// open lead (the read was capped), that lead gets a window of its own.
func openWindows(open, stored []time.Time, pageSize int, maxLen time.Duration) []Window {
	if pageSize <= 0 {
		pageSize = 1
	}
	var complete time.Time // stored covers the times before this
	if n := len(stored); n > 0 && n < maxStoredTimes {
		complete = open[len(open)-1].Add(time.Second)
	} else if n > 0 {
		complete = stored[n-1]
	}
	// count is the number of stored leads created in [from, to].
	count := func(from, to time.Time) int {
		lo := sort.Search(len(stored), func(i int) bool { return !stored[i].Before(from) })
		hi := sort.Search(len(stored), func(i int) bool { return stored[i].After(to) })
		return hi - lo
	}
	var ws []Window
	for _, t := range open {
		t = t.Truncate(time.Second)
		if n := len(ws); n > 0 {
			w := &ws[n-1]
			if !t.Before(w.Start) && !t.After(w.End) {
				continue // in the window already
			}
			if t.Before(complete) && (maxLen <= 0 || t.Sub(w.Start) < maxLen) && count(w.Start, t) <= pageSize {
				w.End = t.Add(time.Second)
				continue
			}
		}
		ws = append(ws, Window{Start: t, End: t.Add(time.Second)})
	}
	return ws
}
