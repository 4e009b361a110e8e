package postgres

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/sqlstore"
)

// dialect is how this backend writes the statements it shares with
// store/sqlite: $n parameters, times as timestamptz ('-infinity' for the
// zero time), lists of names as text[].
var dialect = &sqlstore.Dialect{
	Param: func(n int) string { return "$" + strconv.Itoa(n) },
	Zero:  "'-infinity'",
	// A transaction advisory lock on the receiver's name.
	LockSlots: "SELECT pg_advisory_xact_lock(" + strconv.Itoa(int(paceLockClass)) + ", hashtext($1))",
	Quarter:   "floor(extract(epoch FROM create_time) / " + strconv.Itoa(int(store.Quarter.Seconds())) + ")::bigint",
	ForUpdate: " FOR UPDATE",
	LockRules: "LOCK TABLE rules_versions IN SHARE ROW EXCLUSIVE MODE",
	NoRows:    pgx.ErrNoRows,
	Time:      func(t time.Time) any { return stamp(t) },
	List:      func(names []string) any { return names },
	Names:     func(names []string) any { return names },
	AnyOf:     func(param string) string { return "= ANY (" + param + ")" },
	ScanTime:  func(t *time.Time) any { return (*stamp)(t) },
	ScanList:  func(l *[]string) any { return l },
	// pgx's DriverBytes: valid until the next Next or Close.
	ScanBorrowed: func(b *[]byte) any { return (*pgtype.DriverBytes)(b) },
	AtStore:      atStore,
}

// stamp is a time.Time as the store keeps it in a timestamptz column:
// truncated to the millisecond, the zero time as '-infinity', read back in
// UTC. Scan into (*stamp)(&t) and pass stamp(t) as an argument.
type stamp time.Time

// TimestamptzValue encodes s for pgx.
func (s stamp) TimestamptzValue() (pgtype.Timestamptz, error) {
	t := time.Time(s)
	if t.IsZero() {
		return pgtype.Timestamptz{InfinityModifier: pgtype.NegativeInfinity, Valid: true}, nil
	}
	return pgtype.Timestamptz{Time: t.Truncate(time.Millisecond), Valid: true}, nil
}

// ScanTimestamptz decodes v, '-infinity' and NULL to the zero time.
func (s *stamp) ScanTimestamptz(v pgtype.Timestamptz) error {
	switch {
	case !v.Valid || v.InfinityModifier == pgtype.NegativeInfinity:
		*s = stamp{}
	case v.InfinityModifier != pgtype.Finite:
		return errors.New("scan timestamptz: infinity is not a time")
	default:
		*s = stamp(v.Time.UTC())
	}
	return nil
}

// atStore returns t as the store reads it back: to the millisecond, in UTC.
func atStore(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.Truncate(time.Millisecond).UTC()
}

// querier is a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// conn runs the shared statements on q.
type conn struct{ q querier }

// QueryRow implements sqlstore.DB.
func (c conn) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return c.q.QueryRow(ctx, query, args...)
}

// Query implements sqlstore.DB.
func (c conn) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	return c.q.Query(ctx, query, args...)
}

// Exec implements sqlstore.DB.
func (c conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := c.q.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}

// tx runs the shared statements in one transaction (see inTx).
func (s *Store) tx(ctx context.Context) sqlstore.Run {
	return func(fn func(db sqlstore.DB) error) error {
		return s.inTx(ctx, func(tx pgx.Tx) error { return fn(conn{tx}) })
	}
}

// pooled runs the shared statements straight on the pool.
func (s *Store) pooled() sqlstore.Run {
	return func(fn func(db sqlstore.DB) error) error { return fn(conn{s.pool}) }
}

// The names below spell sqlstore's for this backend's own statements (and
// its tests), with the signatures they had before sqlstore existed.

// clueColumns are the clues columns a caller supplies, after the id, in the
// order of the clue_batch table and scanClue.
var clueColumns = sqlstore.ClueColumns

// selectClueSQL selects every column scanClue reads.
var selectClueSQL = sqlstore.SelectClueSQL

// scanClue reads a row of selectClueSQL into c; c.Raw, c.Routes and
// c.Assignees get fresh memory.
func scanClue(r pgx.Row, c *store.Clue) error { return dialect.ScanClue(r, c) }

// where returns the WHERE clause (possibly empty) and its args for f.
func where(f store.ClueFilter) (string, []any) { return dialect.Where(f) }
