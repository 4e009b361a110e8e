package fetch

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/store"
)

// Window is a time range [Start, End] asked of the API in one paged listing.
type Window struct {
	Start, End time.Time
}

// SplitWindow cuts [from, to] into consecutive windows of at most size,
// oldest first.
func SplitWindow(from, to time.Time, size time.Duration) []Window {
	if !to.After(from) {
		return nil
	}
	if size <= 0 {
		return []Window{{from, to}}
	}
	var ws []Window
	for s := from; s.Before(to); s = s.Add(size) {
		e := s.Add(size)
		if e.After(to) {
			e = to
		}
		ws = append(ws, Window{s, e})
	}
	return ws
}

const (
	// maxPasses bounds re-reads of a window whose listing drifted.
	maxPasses = 4
	// defaultMaxWindowRows is the largest total_count paged through in one
	// window; bigger windows are halved, since deep paging is where listings
	// that shift under new arrivals lose rows, and peers cap it (Tencent: 5,000).
	defaultMaxWindowRows = 10000
	// minSplit is the shortest window that is still halved.
	minSplit = 2 * time.Minute
)

// listing is what the reads of one window have seen so far.
type listing struct {
	ids     map[string]struct{}
	skipped int  // the most undecodable records one pass met
	passes  int  // passes begun
	warned  bool // the count fell below the rows: logged, and not trusted
}

func (l *listing) seen() int { return len(l.ids) + l.skipped }

// passResult is how one pass over a window ended.
type passResult struct {
	complete   bool // every row the API counts has been seen
	split      bool // too many rows: halve the window
	firstTotal int
	lastTotal  int
	seen       int
}

// syncWindow stores every clue of w. A window is complete once the distinct
// ids seen reach the API's total_count. When clues arrive or move while pages
// are read (newest-first paging drifts), a pass ends short of the count and
// the window is read again from the first page, keeping what was seen, until
// the count is reached; with newest-first order the newcomers are on the
// first page, so this usually costs one call. Storing is idempotent by id.
func (s *Syncer) syncWindow(ctx context.Context, log *slog.Logger, a Account, ts TokenSource, w Window, res *Result) error {
	l := &listing{ids: map[string]struct{}{}}
	var prev *passResult
	for n := 1; ; n++ {
		p, err := s.readWindow(ctx, log, a, ts, w, l, res)
		if err != nil {
			return err
		}
		if p.split {
			mid := w.Start.Add(w.End.Sub(w.Start) / 2).Truncate(time.Second)
			log.Info("window too large, halving", "window_start", w.Start, "window_end", w.End, "total", p.firstTotal)
			if err := s.syncWindow(ctx, log, a, ts, Window{w.Start, mid}, res); err != nil {
				return err
			}
			return s.syncWindow(ctx, log, a, ts, Window{mid, w.End}, res)
		}
		if p.complete {
			return nil
		}
		// Two whole passes ending alike, with nothing arriving in between:
		// the vendor's count disagrees with its own rows, which is not drift.
		if prev != nil && prev.lastTotal == p.lastTotal && p.firstTotal == p.lastTotal && prev.seen == p.seen {
			log.Warn("total_count disagrees with the rows returned; accepting the rows",
				"total_count", p.lastTotal, "rows", p.seen, "window_start", w.Start, "window_end", w.End)
			return nil
		}
		if n >= maxPasses {
			return fmt.Errorf("window %s..%s still changing after %d reads (total %d, %d rows seen)",
				w.Start.Format(time.DateTime), w.End.Format(time.DateTime), n, p.lastTotal, p.seen)
		}
		log.Debug("listing drifted while paging, reading the window again",
			"pass", n, "first_total", p.firstTotal, "last_total", p.lastTotal, "rows", p.seen)
		prev = &p
	}
}

// readWindow makes one pass over w from the first page, storing every page.
// The first pass reads until the listing ends, a page short of page_size:
// full pages are followed whatever total_count says, since the vendor can
// under-count (a page of 100 rows with total_count 99). A later pass, which
// looks for clues that arrived while the first was paging, ends as soon as
// the ids seen reach the count, unless the count was caught below the rows.
// Past the count, a full page that brings no new id ends a pass too (a
// vendor repeating itself), and a pass that meets more rows than a window may
// hold asks for the window to be halved.
func (s *Syncer) readWindow(ctx context.Context, log *slog.Logger, a Account, ts TokenSource, w Window, l *listing, res *Result) (passResult, error) {
	p := passResult{firstTotal: -1}
	l.passes++
	size := s.cfg.PageSize
	batch := make([]store.Clue, 0, size)
	skipped := 0
	for page := 1; ; page++ {
		lp, err := s.api.ListClues(ctx, ts, ListRequest{AdvertiserID: a.AdvertiserID, Start: w.Start, End: w.End, Page: page, PageSize: size})
		if err != nil {
			return p, fmt.Errorf("list page %d of %s..%s: %w", page, w.Start.Format(time.DateTime), w.End.Format(time.DateTime), err)
		}
		res.Pages++
		if page == 1 {
			p.firstTotal = lp.TotalCount
			if lp.TotalCount > s.maxWindowRows && w.End.Sub(w.Start) >= minSplit {
				p.split = true
				return p, nil
			}
		}
		p.lastTotal = lp.TotalCount
		skipped += lp.Skipped
		res.Skipped += lp.Skipped
		l.skipped = max(l.skipped, skipped)
		known := len(l.ids)
		batch = batch[:0]
		for i := range lp.Clues {
			c := &lp.Clues[i]
			l.ids[c.ID.String()] = struct{}{}
			batch = append(batch, s.storeClue(a, c))
		}
		if len(batch) > 0 {
			stats, err := s.store.UpsertClues(ctx, batch)
			if err != nil {
				return p, fmt.Errorf("store page %d: %w", page, err)
			}
			res.Stats.Add(stats)
			if stats.Updated > 0 && s.Changed != nil {
				ids := make([]string, len(batch))
				for i := range batch {
					ids[i] = batch[i].ID
				}
				s.Changed(ids)
			}
			if s.OnPage != nil {
				s.OnPage(a, PageProgress{Window: w, Page: page, TotalCount: lp.TotalCount, Stats: stats})
			}
		}
		p.seen = l.seen()
		if p.seen > lp.TotalCount && !l.warned {
			l.warned = true
			log.Warn("total_count is below the rows returned; paging on while pages are full",
				"total_count", lp.TotalCount, "rows", p.seen, "page", page, "request_id", lp.RequestID,
				"window_start", w.Start, "window_end", w.End)
		}
		p.complete = p.seen >= lp.TotalCount
		got := len(lp.Clues) + lp.Skipped
		switch {
		case got < size: // the listing ended
			return p, nil
		case p.complete && l.passes > 1 && !l.warned:
			return p, nil // a re-read caught up with a count not caught short
		case page*size >= lp.TotalCount && len(l.ids) == known:
			return p, nil // past the count and nothing new: the vendor repeats itself
		case p.seen > s.maxWindowRows && w.End.Sub(w.Start) >= minSplit:
			return passResult{split: true, firstTotal: p.seen}, nil // more rows than the count said
		}
	}
}

// storeClue converts a decoded clue into its stored form.
func (s *Syncer) storeClue(a Account, c *clue.Clue) store.Clue {
	if c.AdvertiserID == 0 {
		c.AdvertiserID = a.AdvertiserID
	}
	sc := ToStore(c)
	if s.Normalize != nil {
		s.Normalize(c, &sc)
	}
	return sc
}

// ToStore converts a decoded clue into its stored form, with the store
// columns taken from the clue's own store_info or a form answer's.
func ToStore(c *clue.Clue) store.Clue {
	si := c.Store()
	pageID, pageName := c.PageID, c.PageName
	if pageID == "" {
		pageID = c.ClueSource.PageID
	}
	if pageName == "" {
		pageName = c.ClueSource.PageName
	}
	return store.Clue{
		ID:           c.ID.String(),
		AdvertiserID: c.AdvertiserID,
		CreateTime:   c.Created(),
		UpdateTime:   c.Updated(),
		IntentionID:  int64(c.IntentionID),
		PhoneStat:    int64(c.PhoneStat),
		ScheduleID:   int64(c.Schedule.ID),
		ClueTag:      int64(c.ClueTag),
		SourceType:   int64(c.SourceType),
		PageID:       pageID.String(),
		PageName:     string(pageName),
		UserName:     string(c.UserName),
		Phone:        string(c.Phone),
		Province:     string(si.Province),
		City:         string(si.City),
		Store:        string(si.StoreName),
		Raw:          c.Raw,
	}
}
