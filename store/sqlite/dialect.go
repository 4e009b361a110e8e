package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/sqlstore"
)

// dialect is how this backend writes the statements it shares with
// store/postgres: numbered ?NNN parameters, times as unix milliseconds (0
// for the zero time), lists of names joined by listSep.
var dialect = &sqlstore.Dialect{
	Param: func(n int) string { return "?" + strconv.Itoa(n) },
	Zero:  "0",
	// A floor division, right for times before 1970 too.
	Quarter: "create_time / " + quarterMillis + " - (create_time % " + quarterMillis + " < 0)",
	NoRows:  sql.ErrNoRows,
	Time:    func(t time.Time) any { return toMillis(t) },
	List: func(names []string) any {
		if names == nil {
			return sql.NullString{}
		}
		return strings.Join(names, listSep)
	},
	Names: func(names []string) any {
		b, _ := json.Marshal(names) // []string always marshals
		return string(b)
	},
	AnyOf:    func(param string) string { return "IN (SELECT value FROM json_each(" + param + "))" },
	ScanTime: func(t *time.Time) any { return (*millis)(t) },
	ScanList: func(l *[]string) any { return (*sepList)(l) },
	// database/sql's RawBytes: valid until the next Next, Scan or Close.
	ScanBorrowed: func(b *[]byte) any { return (*sql.RawBytes)(b) },
	AtStore:      func(t time.Time) time.Time { return fromMillis(toMillis(t)) },
}

// quarterMillis is store.Quarter in the unit of create_time.
var quarterMillis = strconv.FormatInt(int64(store.Quarter/time.Millisecond), 10)

// listSep joins a clue's routes, and its assignees, in one column;
// SaveRouting rejects names that contain it.
const listSep = "\x1f"

// toMillis converts t to unix milliseconds, the zero time to 0.
func toMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMillis converts unix milliseconds to a UTC time, 0 to the zero time.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// millis is a time.Time as the store keeps it: scan into (*millis)(&t).
type millis time.Time

// Scan implements sql.Scanner: unix milliseconds, 0 and NULL as the zero
// time.
func (m *millis) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*m = millis(fromMillis(v))
	case nil:
		*m = millis{}
	default:
		return fmt.Errorf("scan time: %T is not unix milliseconds", src)
	}
	return nil
}

// sepList is a list of names as the store keeps it, joined by listSep:
// scan into (*sepList)(&l).
type sepList []string

// Scan implements sql.Scanner: NULL is no list.
func (l *sepList) Scan(src any) error {
	switch v := src.(type) {
	case string:
		*l = strings.Split(v, listSep)
	case []byte:
		*l = strings.Split(string(v), listSep)
	case nil:
		*l = nil
	default:
		return fmt.Errorf("scan list: %T is not text", src)
	}
	return nil
}

// The names below spell sqlstore's for this backend's own statements (and
// its tests), with the signatures they had before sqlstore existed.

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner = sqlstore.Row

// selectClueSQL selects every column scanClue reads.
var selectClueSQL = sqlstore.SelectClueSQL

// scanClue reads a row of selectClueSQL into c; c.Raw, c.Routes and
// c.Assignees get fresh memory.
func scanClue(r rowScanner, c *store.Clue) error { return dialect.ScanClue(r, c) }

// querier is a pool, a connection or a transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// conn runs the shared statements on q.
type conn struct{ q querier }

// QueryRow implements sqlstore.DB.
func (c conn) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return c.q.QueryRowContext(ctx, query, args...)
}

// Query implements sqlstore.DB.
func (c conn) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	rows, err := c.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

// Exec implements sqlstore.DB.
func (c conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := c.q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// sqlRows is *sql.Rows as sqlstore.Rows.
type sqlRows struct{ *sql.Rows }

// Close implements sqlstore.Rows; an error closing is in Err already.
func (r sqlRows) Close() { _ = r.Rows.Close() }

// writer runs the shared statements that write on the write pool, each in
// its own transaction, and observes their outcome (see wrote).
type writer struct{ s *Store }

// QueryRow implements sqlstore.DB for a statement that writes and returns
// a row.
func (w writer) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return wroteRow{w.s, ctx, w.s.write.QueryRowContext(ctx, query, args...)}
}

// Query implements sqlstore.DB.
func (w writer) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	rows, err := conn{w.s.write}.Query(ctx, query, args...)
	if err != nil {
		w.s.wrote(ctx, err)
	}
	return rows, err
}

// Exec implements sqlstore.DB.
func (w writer) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	n, err := conn{w.s.write}.Exec(ctx, query, args...)
	w.s.wrote(ctx, err)
	return n, err
}

// wroteRow is the row of a write, observed once scanned.
type wroteRow struct {
	s   *Store
	ctx context.Context
	row *sql.Row
}

// Scan implements sqlstore.Row.
func (r wroteRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	r.s.wrote(r.ctx, err)
	return err
}
