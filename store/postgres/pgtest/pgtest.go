// Package pgtest gives tests and benchmarks a PostgreSQL of their own: the
// server named by CLUEBOT_TEST_POSTGRES (they skip without it) and a fresh
// schema in it, dropped when they end.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// DSN returns the DSN of the test database from CLUEBOT_TEST_POSTGRES, or
// skips the test when it is not set.
func DSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv("CLUEBOT_TEST_POSTGRES")
	if dsn == "" {
		tb.Skip("CLUEBOT_TEST_POSTGRES not set")
	}
	return dsn
}

// FreshSchema creates an empty schema named cluebot_test_<random> and drops
// it, with everything in it, when the test ends.
func FreshSchema(tb testing.TB) (dsn, schema string) {
	tb.Helper()
	dsn = DSN(tb)
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails
	schema = "cluebot_test_" + hex.EncodeToString(b[:])
	Exec(tb, dsn, `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize())
	tb.Cleanup(func() { Exec(tb, dsn, `DROP SCHEMA `+pgx.Identifier{schema}.Sanitize()+` CASCADE`) })
	return dsn, schema
}

// BenchSchema is the schema a heavy benchmark seeds: CLUEBOT_BENCH_SCHEMA,
// created when missing and left in place so that a later run measures again
// without seeding, or else a fresh one dropped when the benchmark ends.
func BenchSchema(tb testing.TB) (dsn, schema string) {
	tb.Helper()
	dsn, schema = DSN(tb), os.Getenv("CLUEBOT_BENCH_SCHEMA")
	if schema == "" {
		return FreshSchema(tb)
	}
	Exec(tb, dsn, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{schema}.Sanitize())
	return dsn, schema
}

// Exec runs sql on a connection of its own.
func Exec(tb testing.TB, dsn, sql string, args ...any) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(tb, err)
	defer func() { assert.NoError(tb, conn.Close(ctx)) }()
	_, err = conn.Exec(ctx, sql, args...)
	require.NoError(tb, err)
}
