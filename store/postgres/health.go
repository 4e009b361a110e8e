package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cluebot/cluebot/store"
)

var (
	_ store.WriteWatcher = (*Store)(nil)
	_ pgx.QueryTracer    = writeTracer{}
	_ pgx.CopyFromTracer = writeTracer{}
)

// WriteErr implements store.WriteWatcher: the last statement that failed
// for a storage reason (disk full, I/O error, a read-only server, damaged
// data) within store.WriteFailureWindow. The pool still pings then.
func (s *Store) WriteErr() error {
	if err := s.health.Err(); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

// writeTracer watches every statement of the pool (transactions' COMMIT
// included) and every COPY for storage failures.
type writeTracer struct{ h *store.WriteHealth }

// TraceQueryStart implements pgx.QueryTracer.
func (writeTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return ctx
}

// TraceQueryEnd implements pgx.QueryTracer.
func (w writeTracer) TraceQueryEnd(_ context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	w.observe(data.Err)
}

// TraceCopyFromStart implements pgx.CopyFromTracer.
func (writeTracer) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceCopyFromStartData) context.Context {
	return ctx
}

// TraceCopyFromEnd implements pgx.CopyFromTracer.
func (w writeTracer) TraceCopyFromEnd(_ context.Context, _ *pgx.Conn, data pgx.TraceCopyFromEndData) {
	w.observe(data.Err)
}

func (w writeTracer) observe(err error) {
	if err != nil && storageFailure(err) {
		w.h.Fail(err)
	}
}

// storageFailure reports whether err is the server failing to store:
// insufficient resources but connection limits (class 53), system errors
// (58: I/O), a read-only server (25006: a standby after a failover) and
// damaged data (XX001, XX002); not a constraint or a bad query.
func storageFailure(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	switch {
	case pe.Code == "53300" || pe.Code == "53400": // too many connections, configuration limit
		return false
	case strings.HasPrefix(pe.Code, "53"), strings.HasPrefix(pe.Code, "58"):
		return true
	}
	switch pe.Code {
	case "25006", "XX001", "XX002":
		return true
	}
	return false
}
