// Package sqlstore is what store/sqlite and store/postgres share: the
// statements whose SQL is the same in both but for placeholders and how a
// time or a list of names is stored, the scanning of their rows, and the
// upsert plan. A backend describes its differences in a Dialect and hands
// its pool or transaction over as a DB; the statements that truly differ
// (the bulk upsert, the claims' locking, the enqueueing of alerts, the
// migrations) stay in the backend.
package sqlstore

import (
	"context"
	"time"
)

// Dialect is what differs between the backends in the statements they share.
type Dialect struct {
	// Param returns the placeholder of the nth argument, from 1.
	Param func(n int) string
	// Zero is the SQL literal the zero time is stored as: "not routed",
	// "unleased" and "not sent" compare against it.
	Zero string
	// Quarter is the SQL expression of a clue's create_time in whole
	// store.Quarter steps from the Unix epoch, rounded down.
	Quarter string
	// LockSlots is a statement that keeps, until the end of its
	// transaction, other transactions from taking send slots of the
	// receiver in argument 1; empty when a write transaction does already.
	LockSlots string
	// ForUpdate follows a SELECT in a transaction to lock the rows it reads
	// until the end of the transaction; empty when a write transaction
	// locks them already.
	ForUpdate string
	// LockRules is a statement that keeps other writers off rules_versions
	// until the end of its transaction; empty when a write transaction does
	// already.
	LockRules string
	// NoRows is the error a single-row query returns when there is no row.
	NoRows error
	// Time encodes t as an argument.
	Time func(t time.Time) any
	// List encodes names as an argument; nil is stored as NULL.
	List func(names []string) any
	// Names encodes names as the argument of AnyOf.
	Names func(names []string) any
	// AnyOf returns the SQL that, after an expression, is true when it is one
	// of the names in the argument param (encoded with Names).
	AnyOf func(param string) string
	// ScanTime returns a scan destination that decodes a stored time into
	// *t, NULL as the zero time.
	ScanTime func(t *time.Time) any
	// ScanList returns a scan destination that decodes a stored list of
	// names into *l, NULL as nil.
	ScanList func(l *[]string) any
	// ScanBorrowed returns a scan destination that points *b at the
	// driver's memory of a stored blob, valid until the next row, without
	// a copy.
	ScanBorrowed func(b *[]byte) any
	// AtStore returns t as the store reads it back.
	AtStore func(t time.Time) time.Time
}

// Row is a row to scan: *sql.Row, pgx.Row, or one of Rows.
type Row interface {
	Scan(dest ...any) error
}

// Rows is the result of a query, read row by row.
type Rows interface {
	Row
	Next() bool
	Err() error
	Close()
}

// DB runs statements: a backend's pool, connection or transaction.
type DB interface {
	// QueryRow runs a query for at most one row; its error comes with Scan.
	QueryRow(ctx context.Context, query string, args ...any) Row
	// Query runs a query for its rows.
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	// Exec runs a statement and returns how many rows it changed.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
}

// Run runs fn on a DB: in a transaction the backend begins and commits, or
// straight on its pool.
type Run func(fn func(db DB) error) error

// collect reads every row of rows with scan, closing them.
func collect[T any](rows Rows, scan func(r Row, v *T) error) ([]T, error) {
	defer rows.Close()
	var all []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, err
		}
		all = append(all, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return all, nil
}
