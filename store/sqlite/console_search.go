package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/consolesql"
)

// SearchClues runs a lead search (see consolesql.Search) on the indexes of
// migration 5. Parameters: ?1 is Q, ?2 Q as an FTS5 phrase.
func (s *Store) SearchClues(ctx context.Context, q store.LeadQuery) ([]store.Clue, int, error) {
	return consolesql.Search(ctx, searcher{s}, q)
}

// searcher runs the queries of a search.
type searcher struct{ s *Store }

// The ways Q matches, each by an index that holds the rowid: no clue row is
// read to find a match. prefixSQL is a prefix range: ?1 followed by U+10FFFF
// bounds every string that starts with ?1; it finds only some of a short
// Q's matches, enough to tell a common one (see consolesql.Search).
const (
	idSQL    = `SELECT rowid FROM clues WHERE id = ?1`
	phoneSQL = `SELECT rowid FROM clues WHERE phone = ?1`
	tailSQL  = `SELECT rowid FROM clues WHERE substr(phone, -4) = ?1`
	textSQL  = `SELECT c.rowid FROM clue_text t JOIN clue_seq s ON s.seq = t.rowid JOIN clues c ON c.id = s.id
		WHERE clue_text MATCH ?2`
	prefixSQL = `SELECT rowid FROM clues WHERE %[1]s >= ?1 AND %[1]s < ?1 || char(1114111)`
)

// sources returns the statements that find Q's matches, one per index; for
// a Q too short for a trigram, the names and page names that start with it.
func sources(q *consolesql.Query) []string {
	srcs := []string{idSQL, phoneSQL}
	if q.Tail {
		srcs = append(srcs, tailSQL)
	}
	if q.Trigram {
		return append(srcs, textSQL)
	}
	return append(srcs, fmt.Sprintf(prefixSQL, "user_name"), fmt.Sprintf(prefixSQL, "page_name"))
}

// predicate is every match of Q, as one expression on a clue row: the
// names and page names containing it, whatever its length.
func predicate(q *consolesql.Query) string {
	terms := []string{"id = ?1", "phone = ?1"}
	if q.Tail {
		terms = append(terms, "substr(phone, -4) = ?1")
	}
	terms = append(terms, "instr(user_name, ?1) > 0", "instr(page_name, ?1) > 0")
	return "(" + strings.Join(terms, " OR ") + ")"
}

// filters returns the date and route conditions of q, each starting with
// AND, and appends their arguments, numbered from 3, to args.
func filters(q *consolesql.Query, args []any) (string, []any) {
	var b strings.Builder
	if !q.From.IsZero() {
		args = append(args, toMillis(q.From))
		fmt.Fprintf(&b, " AND create_time >= ?%d", len(args))
	}
	if !q.To.IsZero() {
		args = append(args, toMillis(q.To))
		fmt.Fprintf(&b, " AND create_time < ?%d", len(args))
	}
	if q.Route != "" {
		args = append(args, q.Route)
		fmt.Fprintf(&b, " AND instr(char(31) || routes || char(31), char(31) || ?%d || char(31)) > 0", len(args))
	}
	return b.String(), args
}

// args returns the parameters ?1 and ?2 of q.
func args(q *consolesql.Query) []any {
	return []any{q.Q, `"` + strings.ReplaceAll(q.Q, `"`, `""`) + `"`}
}

// byDay walks the clues newest first; it holds each clue's routing too, so
// a route filter and the overview read no clue rows.
const byDay = ` INDEXED BY clues_day`

// orderSQL orders a page newest first; ?%d are the limit and offset.
const orderSQL = ` ORDER BY create_time DESC, id DESC LIMIT ?%d OFFSET ?%d`

// SourceCount counts the matches of each source, up to max, and returns the
// largest count.
func (r searcher) SourceCount(ctx context.Context, q *consolesql.Query, max int) (int, error) {
	srcs := sources(q)
	counts := make([]string, len(srcs))
	for i, src := range srcs {
		counts[i] = `(SELECT count(*) FROM (` + src + ` LIMIT ?3))`
	}
	var n int
	err := r.s.read.QueryRowContext(ctx, `SELECT max(`+strings.Join(counts, ", ")+`)`, append(args(q), max)...).Scan(&n)
	return n, err
}

// candidates returns the condition that picks the clues the sources find
// that pass the filters, and its arguments.
func candidates(q *consolesql.Query) (string, []any) {
	cond, a := filters(q, args(q))
	return ` WHERE rowid IN (` + strings.Join(sources(q), " UNION ALL ") + `)` + cond, a
}

// Candidates sorts the clues the sources find that pass the filters, and
// counts them in the same query. The sort holds only their rowids and
// sort keys; only the page's clues are read whole.
func (r searcher) Candidates(ctx context.Context, q *consolesql.Query) ([]store.Clue, int, error) {
	query, a := candidatesPage(q)
	var total int
	clues, err := r.s.queryClues(ctx, query, a, &total)
	return clues, total, err
}

// candidatesPage returns the query of Candidates and its arguments.
func candidatesPage(q *consolesql.Query) (string, []any) {
	where, a := candidates(q)
	a = append(a, q.Limit, q.Offset)
	page := `SELECT rowid AS rid, count(*) OVER () AS total FROM clues` + where + fmt.Sprintf(orderSQL, len(a)-1, len(a))
	return selectCountedSQL + ` JOIN (` + page + `) m ON clues.rowid = m.rid ORDER BY create_time DESC, id DESC`, a
}

// CandidateCount counts the clues the sources find that pass the filters.
func (r searcher) CandidateCount(ctx context.Context, q *consolesql.Query) (int, error) {
	where, a := candidates(q)
	var n int
	err := r.s.read.QueryRowContext(ctx, `SELECT count(*) FROM clues`+where, a...).Scan(&n)
	return n, err
}

// Scan walks the clues newest first for those matching the predicate.
func (r searcher) Scan(ctx context.Context, q *consolesql.Query) ([]store.Clue, error) {
	cond, a := filters(q, args(q))
	a = append(a, q.Limit, q.Offset)
	query := selectClueSQL + byDay + ` WHERE ` + r.match(q) + cond + fmt.Sprintf(orderSQL, len(a)-1, len(a))
	return r.s.queryClues(ctx, query, a, nil)
}

// ScanCount counts the clues matching the predicate, up to max.
func (r searcher) ScanCount(ctx context.Context, q *consolesql.Query, max int) (int, error) {
	cond, a := filters(q, args(q))
	a = append(a, max)
	var n int
	err := r.s.read.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM clues`+byDay+
		` WHERE %s%s LIMIT ?%d)`, r.match(q), cond, len(a)), a...).Scan(&n)
	return n, err
}

// match is the predicate of q, or true when Q is empty.
func (searcher) match(q *consolesql.Query) string {
	if q.Q == "" {
		return "1"
	}
	return predicate(q)
}

// selectCountedSQL is selectClueSQL with a last column, the total of the
// page joined as m.
var selectCountedSQL = strings.TrimSuffix(selectClueSQL, " FROM clues") + ", m.total FROM clues"

// counted scans a row of selectCountedSQL: the clue, then the count.
type counted struct {
	r     rowScanner
	total *int
}

// Scan reads dest and the count.
func (c counted) Scan(dest ...any) error { return c.r.Scan(append(dest, c.total)...) }

// queryClues returns the clues query selects with selectClueSQL's columns,
// or selectCountedSQL's when total is not nil.
func (s *Store) queryClues(ctx context.Context, query string, args []any, total *int) ([]store.Clue, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var r rowScanner = rows
	if total != nil {
		r = counted{rows, total}
	}
	var clues []store.Clue
	for rows.Next() {
		var c store.Clue
		if err := scanClue(r, &c); err != nil {
			return nil, err
		}
		clues = append(clues, c)
	}
	return clues, rows.Err()
}
