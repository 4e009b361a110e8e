// Package consolesql is the Go logic the SQL backends share to serve
// store.Console: how a lead search is planned and run, page limits, and how
// the overview's counts are summed up. The SQL itself stays in each backend.
package consolesql

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/cluebot/cluebot/store"
)

// Page limits of the console's lists.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Limit returns the page size for a requested limit: DefaultLimit for none,
// at most MaxLimit; and checks the offset.
func Limit(limit, offset int) (int, error) {
	if offset < 0 {
		return 0, fmt.Errorf("offset %d must not be negative", offset)
	}
	switch {
	case limit <= 0:
		return DefaultLimit, nil
	case limit > MaxLimit:
		return MaxLimit, nil
	}
	return limit, nil
}

// MinTrigram is the shortest Q the trigram indexes find in names and page
// names. A shorter one has no trigram to look up: the clues are walked
// newest first for the names and page names containing it, as the contract
// wants substrings whatever their length.
const MinTrigram = 3

// Query is a store.LeadQuery as a backend runs it.
type Query struct {
	store.LeadQuery
	// Tail is set when Q is 4 digits: phones ending in them match too.
	Tail bool
	// Trigram is set when Q has MinTrigram characters or more: the indexes
	// find the names and page names containing it; else only those starting
	// with it. Either way, every name and page name containing it matches.
	Trigram bool
}

// Filtered reports whether the query narrows by date or route.
func (q *Query) Filtered() bool {
	return !q.From.IsZero() || !q.To.IsZero() || q.Route != ""
}

// Plan checks lq and works out how Q matches.
func Plan(lq store.LeadQuery) (Query, error) {
	limit, err := Limit(lq.Limit, lq.Offset)
	if err != nil {
		return Query{}, err
	}
	if !utf8.ValidString(lq.Q) || !utf8.ValidString(lq.Route) {
		return Query{}, errors.New("query must be UTF-8")
	}
	lq.Limit = limit
	q := Query{LeadQuery: lq, Trigram: utf8.RuneCountInString(lq.Q) >= MinTrigram}
	q.Tail = len(lq.Q) == 4
	for _, r := range lq.Q {
		q.Tail = q.Tail && r >= '0' && r <= '9'
	}
	return q, nil
}

// Searcher is what a backend runs for a search. Each way Q matches (the id,
// the phone, its tail, a name, a page name) has an index; the predicate is
// the same matches as one boolean expression, with the filters (From, To,
// Route) besides.
type Searcher interface {
	// SourceCount returns how many clues the most matched of Q's indexes
	// holds, ignoring the filters, counting no further than max.
	SourceCount(ctx context.Context, q *Query, max int) (int, error)
	// Candidates returns the page of clues found through the indexes that
	// pass the filters, and how many do (from the same query: a window
	// count; 0 when the page is empty).
	Candidates(ctx context.Context, q *Query) ([]store.Clue, int, error)
	// CandidateCount counts the clues found through the indexes that pass
	// the filters, for a page past the end.
	CandidateCount(ctx context.Context, q *Query) (int, error)
	// Scan returns the page of clues matching the predicate, walking the
	// clues newest first (Q may be empty: every clue matches).
	Scan(ctx context.Context, q *Query) ([]store.Clue, error)
	// ScanCount counts the clues matching the predicate, no further than
	// max.
	ScanCount(ctx context.Context, q *Query, max int) (int, error)
}

// Search runs a lead search on s. A rare Q is looked up through the
// indexes, and only its matches are sorted; a common one (more than
// store.SearchTotalMax matches in one index) is found by walking the clues
// newest first, where a page of matches comes soon, and its total is not
// counted beyond store.SearchTotalMax. A Q too short for a trigram is
// walked for too (the indexes find only the names and page names starting
// with it, not all containing it), and counted by the walk unless those
// alone tell it is common: one or two characters usually are in names, so
// a page comes soon; only a rare one reads every clue.
func Search(ctx context.Context, s Searcher, lq store.LeadQuery) ([]store.Clue, int, error) {
	q, err := Plan(lq)
	if err != nil {
		return nil, 0, fmt.Errorf("search clues: %w", err)
	}
	common := false // one index alone holds more than a total counts
	if q.Q != "" {
		n, err := s.SourceCount(ctx, &q, store.SearchTotalMax+1)
		if err != nil {
			return nil, 0, fmt.Errorf("search clues: count matches: %w", err)
		}
		common = n > store.SearchTotalMax
		if q.Trigram && !common {
			clues, total, err := s.Candidates(ctx, &q)
			if err == nil && len(clues) == 0 && q.Offset > 0 {
				total, err = s.CandidateCount(ctx, &q)
			}
			if err != nil {
				return nil, 0, fmt.Errorf("search clues: %w", err)
			}
			return clues, min(total, store.SearchTotalMax), nil
		}
	}
	clues, err := s.Scan(ctx, &q)
	if err != nil {
		return nil, 0, fmt.Errorf("search clues: %w", err)
	}
	if common && !q.Filtered() {
		return clues, store.SearchTotalMax, nil
	}
	total, err := s.ScanCount(ctx, &q, store.SearchTotalMax)
	if err != nil {
		return nil, 0, fmt.Errorf("search clues: count: %w", err)
	}
	return clues, total, nil
}

// Deliveries returns the SELECT of outbox columns cols for q, newest first
// (by created_at, then id), with its arguments; placeholder(n) spells the
// n-th (from 1). The state is spelled out in the query, once checked, so
// that the partial indexes of pending and dead rows by created_at serve it,
// whatever number of sent rows piles up.
func Deliveries(q store.DeliveryQuery, cols string, placeholder func(n int) string) (string, []any, error) {
	limit, err := Limit(q.Limit, q.Offset)
	if err != nil {
		return "", nil, err
	}
	var conds []string
	var args []any
	switch q.State {
	case "":
	case store.OutboxPending, store.OutboxSent, store.OutboxDead:
		conds = append(conds, "state = '"+q.State+"'")
	default:
		return "", nil, fmt.Errorf("delivery state %q is not one of pending, sent, dead", q.State)
	}
	if q.Receiver != "" {
		args = append(args, q.Receiver)
		conds = append(conds, "receiver = "+placeholder(len(args)))
	}
	query := `SELECT ` + cols + ` FROM outbox`
	if len(conds) > 0 {
		query += ` WHERE ` + strings.Join(conds, " AND ")
	}
	args = append(args, limit, q.Offset)
	return query + ` ORDER BY created_at DESC, id DESC LIMIT ` + placeholder(len(args)-1) + ` OFFSET ` + placeholder(len(args)), args, nil
}
