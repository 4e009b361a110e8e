package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/postgres/pgtest"
	"github.com/cluebot/cluebot/store/storetest"
)

// openIn opens a store in schema and closes it when the test ends.
func openIn(tb testing.TB, dsn, schema string) *Store {
	tb.Helper()
	s, err := Open(context.Background(), dsn, Options{Schema: schema})
	require.NoError(tb, err)
	tb.Cleanup(func() { assert.NoError(tb, s.Close()) })
	return s
}

// openTest opens a store in a fresh schema.
func openTest(tb testing.TB) *Store {
	tb.Helper()
	dsn, schema := pgtest.FreshSchema(tb)
	return openIn(tb, dsn, schema)
}

// TestContract runs the shared store contract, each subtest in a fresh
// schema.
func TestContract(t *testing.T) {
	pgtest.DSN(t)
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Store {
		dsn, schema := pgtest.FreshSchema(t)
		s, err := Open(t.Context(), dsn, Options{Now: now, Schema: schema})
		require.NoError(t, err)
		return s
	})
}

// TestOpenErrors checks that Open reports what keeps it from working.
func TestOpenErrors(t *testing.T) {
	dsn := pgtest.DSN(t)
	tests := []struct {
		name string
		dsn  string
		opts Options
		want string
	}{
		{"malformed dsn", "postgres://%zz", Options{}, "open postgres store"},
		{"missing schema", dsn, Options{Schema: "cluebot_test_missing"}, "no schema on the search_path"},
		{"unreachable server", "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=2",
			Options{}, "open postgres store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(t.Context(), tt.dsn, tt.opts)
			require.ErrorContains(t, err, tt.want)
			require.Nil(t, s)
		})
	}
}

// TestMillisecondPrecision checks that times are kept to the millisecond,
// read back in UTC, and that instants SQLite cannot tell from zero survive.
func TestMillisecondPrecision(t *testing.T) {
	s := openTest(t)
	zone := time.FixedZone("UTC+8", 8*3600)
	tests := []struct {
		name  string
		in    time.Time
		want  time.Time
		moved bool // a microsecond later is another millisecond
	}{
		{"truncated", time.Date(2025, 3, 1, 9, 30, 15, 123_456_789, zone),
			time.Date(2025, 3, 1, 1, 30, 15, 123e6, time.UTC), false},
		{"unix epoch", time.Unix(0, 0), time.Unix(0, 0).UTC(), false},
		{"before 1970", time.Date(1969, 7, 20, 20, 17, 40, 999_999_999, time.UTC),
			time.Date(1969, 7, 20, 20, 17, 40, 999e6, time.UTC), true},
		{"zero", time.Time{}, time.Time{}, false}, // and so is a microsecond later
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := store.Clue{ID: string(rune('a' + i)), CreateTime: tt.in, UpdateTime: tt.in, Raw: []byte(`{}`)}
			st, err := s.UpsertClues(t.Context(), []store.Clue{c})
			require.NoError(t, err)
			require.Equal(t, store.UpsertStats{Inserted: 1}, st)
			got, err := s.Clue(t.Context(), c.ID)
			require.NoError(t, err)
			require.Equal(t, tt.want, got.CreateTime)
			require.Equal(t, tt.want, got.UpdateTime)

			c.UpdateTime = tt.in.Add(time.Microsecond)
			st, err = s.UpsertClues(t.Context(), []store.Clue{c})
			require.NoError(t, err)
			want := store.UpsertStats{Unchanged: 1}
			if tt.moved {
				want = store.UpsertStats{Updated: 1}
			}
			require.Equal(t, want, st, "only a change of the stored millisecond is tracked")
		})
	}
}
