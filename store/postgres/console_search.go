package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/consolesql"
)

// SearchClues runs a lead search (see consolesql.Search) on the indexes of
// migration 5. Parameters: $1 is Q, $2 Q as a LIKE pattern for substrings.
// Every query is planned for its own values (pgx.QueryExecModeDescribeExec): a
// plan made for any pattern would not know a rare name from a common one.
func (s *Store) SearchClues(ctx context.Context, q store.LeadQuery) ([]store.Clue, int, error) {
	var clues []store.Clue
	var total int
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL max_parallel_workers_per_gather = 0`); err != nil {
				return fmt.Errorf("search clues: %w", err)
			}
			var err error
			clues, total, err = consolesql.Search(ctx, searcher{tx}, q)
			return err
		})
	return clues, total, err
}

// searcher runs the queries of a search in one read-only snapshot, so that
// a page and its total agree, without parallel workers: starting them
// costs more than the few index lookups a search makes (hundreds of
// milliseconds on a busy host, measured).
type searcher struct{ tx pgx.Tx }

// params numbers a search's parameters as they are used: PostgreSQL
// refuses a parameter a statement does not use. The first argument is the
// execution mode.
type params struct {
	q          *consolesql.Query
	args       []any
	qRef, like string
}

// newParams starts the parameters of one statement of q.
func newParams(q *consolesql.Query) *params {
	return &params{q: q, args: []any{pgx.QueryExecModeDescribeExec}}
}

// add binds v and returns its placeholder.
func (p *params) add(v any) string {
	p.args = append(p.args, v)
	return "$" + strconv.Itoa(len(p.args)-1)
}

// Q returns the placeholder of Q.
func (p *params) Q() string {
	if p.qRef == "" {
		p.qRef = p.add(p.q.Q)
	}
	return p.qRef
}

// Like returns the placeholder of a LIKE pattern matching strings that
// contain Q.
func (p *params) Like() string {
	if p.like == "" {
		p.like = p.add("%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(p.q.Q) + "%")
	}
	return p.like
}

// sources returns the statements that find Q's matches, one per index,
// selecting cols of them: pg_trgm's for substrings; for a Q too short for a
// trigram, byte order ranges for prefixes (chr(1114111), U+10FFFF, sorts
// after every character), only some of its matches, enough to tell a
// common one (see consolesql.Search).
func (p *params) sources(cols string) []string {
	q, from := p.Q(), `SELECT `+cols+` FROM clues WHERE `
	srcs := []string{from + `id = ` + q, from + `phone = ` + q}
	if p.q.Tail {
		srcs = append(srcs, from+`right(phone, 4) = `+q)
	}
	for _, col := range []string{"user_name", "page_name"} {
		if p.q.Trigram {
			srcs = append(srcs, from+col+` LIKE `+p.Like())
		} else {
			srcs = append(srcs, from+fmt.Sprintf(`(%[1]s COLLATE "C") >= %[2]s
				AND (%[1]s COLLATE "C") < %[2]s || chr(1114111)`, col, q))
		}
	}
	return srcs
}

// predicate is every match of Q (names and page names containing it,
// whatever its length), as one expression on a clue row that no index
// serves: strpos, not LIKE,
// so that the planner walks the clues newest first rather than gather
// every match of a common word.
func (p *params) predicate() string {
	if p.q.Q == "" {
		return "true"
	}
	q := p.Q()
	terms := []string{"id = " + q, "phone = " + q}
	if p.q.Tail {
		terms = append(terms, "right(phone, 4) = "+q)
	}
	terms = append(terms, "strpos(user_name, "+q+") > 0", "strpos(page_name, "+q+") > 0")
	return "(" + strings.Join(terms, " OR ") + ")"
}

// filters returns the date and route conditions, each starting with AND.
func (p *params) filters() string {
	var b strings.Builder
	if !p.q.From.IsZero() {
		b.WriteString(" AND create_time >= " + p.add(stamp(p.q.From)))
	}
	if !p.q.To.IsZero() {
		b.WriteString(" AND create_time < " + p.add(stamp(p.q.To)))
	}
	if p.q.Route != "" {
		b.WriteString(" AND " + p.add(p.q.Route) + " = ANY (routes)")
	}
	return b.String()
}

// order orders a page newest first.
func (p *params) order() string {
	return ` ORDER BY create_time DESC, id DESC LIMIT ` + p.add(p.q.Limit) + ` OFFSET ` + p.add(p.q.Offset)
}

// SourceCount counts the matches of each source, up to max, and returns the
// largest count.
func (r searcher) SourceCount(ctx context.Context, q *consolesql.Query, max int) (int, error) {
	p := newParams(q)
	srcs := p.sources("1")
	limit := p.add(max)
	counts := make([]string, len(srcs))
	for i, src := range srcs {
		counts[i] = `(SELECT count(*) FROM (` + src + ` LIMIT ` + limit + `) m)`
	}
	var n int
	err := r.tx.QueryRow(ctx, `SELECT greatest(`+strings.Join(counts, ", ")+`)`, p.args...).Scan(&n)
	return n, err
}

// matches selects the id and create_time of the clues the sources find
// that pass the filters, from the rows the sources read anyway: sorting
// them reads no clue a second time.
func (p *params) matches() string {
	return `SELECT DISTINCT id, create_time FROM (` + strings.Join(p.sources("id, create_time, routes"), " UNION ALL ") +
		`) s WHERE true` + p.filters()
}

// Candidates sorts the clues the sources find that pass the filters, and
// counts them in the same query; only the page's clues are read whole.
func (r searcher) Candidates(ctx context.Context, q *consolesql.Query) ([]store.Clue, int, error) {
	p := newParams(q)
	var total int
	page := `SELECT id, count(*) OVER () AS total FROM (` + p.matches() + `) d` + p.order()
	clues, err := queryClues(ctx, r.tx, selectCountedSQL+` JOIN (`+page+`) m USING (id) ORDER BY create_time DESC, id DESC`,
		p.args, &total)
	return clues, total, err
}

// CandidateCount counts the clues the sources find that pass the filters.
func (r searcher) CandidateCount(ctx context.Context, q *consolesql.Query) (int, error) {
	p := newParams(q)
	var n int
	err := r.tx.QueryRow(ctx, `SELECT count(*) FROM (`+p.matches()+`) d`, p.args...).Scan(&n)
	return n, err
}

// Scan walks the clues newest first for those matching the predicate.
func (r searcher) Scan(ctx context.Context, q *consolesql.Query) ([]store.Clue, error) {
	p := newParams(q)
	return queryClues(ctx, r.tx, selectClueSQL+` WHERE `+p.predicate()+p.filters()+p.order(), p.args, nil)
}

// ScanCount counts the clues matching the predicate, up to max.
func (r searcher) ScanCount(ctx context.Context, q *consolesql.Query, max int) (int, error) {
	p := newParams(q)
	query := `SELECT count(*) FROM (SELECT 1 FROM clues WHERE ` + p.predicate() + p.filters() + ` LIMIT ` + p.add(max) + `) m`
	var n int
	err := r.tx.QueryRow(ctx, query, p.args...).Scan(&n)
	return n, err
}

// selectCountedSQL is selectClueSQL with a last column, the total of the
// page joined as m.
var selectCountedSQL = strings.TrimSuffix(selectClueSQL, " FROM clues") + ", m.total FROM clues"

// counted scans a row of selectCountedSQL: the clue, then the count.
type counted struct {
	r     pgx.Row
	total *int
}

// Scan reads dest and the count.
func (c counted) Scan(dest ...any) error { return c.r.Scan(append(dest, c.total)...) }

// queryClues returns the clues query selects with selectClueSQL's columns,
// or selectCountedSQL's when total is not nil.
func queryClues(ctx context.Context, tx pgx.Tx, query string, args []any, total *int) ([]store.Clue, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Clue, error) {
		var c store.Clue
		var row pgx.Row = r
		if total != nil {
			row = counted{r, total}
		}
		err := scanClue(row, &c)
		return c, err
	})
}
