package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/internal/sqlstore"
)

var (
	// receiversSQL lists the receivers with rows due and unleased at ?1.
	receiversSQL = dialect.ReceiversSQL()
	// claimSQL leases to ?1 until ?2 up to ?5 rows of receiver ?3 due and
	// unleased at ?4; its IMMEDIATE transaction keeps other claimers out.
	claimSQL = dialect.ClaimSQL("")
	// statsSQL counts pending and dead rows and finds the oldest pending one.
	statsSQL = sqlstore.StatsSQL
)

// outboxColumns are the columns scanOutbox reads, in order.
const outboxColumns = sqlstore.OutboxColumns

// scanOutbox reads a row of outboxColumns into it.
func scanOutbox(r rowScanner, it *store.OutboxItem) error { return dialect.ScanOutbox(r, it) }

// collectOutbox scans every row of rows, closing them.
func collectOutbox(rows *sql.Rows) ([]store.OutboxItem, error) {
	return dialect.CollectOutbox(sqlRows{rows})
}

// ClaimOutbox leases up to c.Limit pending rows of c.Receiver that are due at
// c.Now and not leased (or whose lease has ended) to c.Owner until
// c.Now+c.Lease, and returns them by next_at, then id. The select and the
// lease are one IMMEDIATE transaction, so two claimers, in this process or
// another, never get the same row. A non-positive c.Limit claims nothing.
func (s *Store) ClaimOutbox(ctx context.Context, c store.Claim) ([]store.OutboxItem, error) {
	return dialect.ClaimOutbox(ctx, c, "", s.tx(ctx))
}

// updateOutbox runs u on the rows with the given ids in one write
// transaction. The ids travel as one JSON array parameter, ?1; no ids is a
// no-op.
func (s *Store) updateOutbox(ctx context.Context, ids []int64, u sqlstore.OutboxUpdate) error {
	if len(ids) == 0 {
		return nil
	}
	idsJSON, err := json.Marshal(ids)
	if err != nil {
		return fmt.Errorf("%s: encode ids: %w", u.Op, err)
	}
	args := append([]any{string(idsJSON)}, u.Args...)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET `+u.Set+` WHERE `+u.Cond+
			` AND id IN (SELECT value FROM json_each(?1))`, args...)
		if err != nil || u.Then == "" {
			return err
		}
		_, err = tx.ExecContext(ctx, strings.ReplaceAll(u.Then, "{ids}", "(SELECT value FROM json_each(?1))"), args[0])
		return err
	})
	if err != nil {
		return fmt.Errorf("%s of %d outbox rows: %w", u.Op, len(ids), err)
	}
	return nil
}
