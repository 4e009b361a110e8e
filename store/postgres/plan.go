package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cluebot/cluebot/store/internal/sqlstore"
)

// writePlan stores p after lockClues: the updated clues first, with one
// UPDATE from clue_batch, then the history rows, with one COPY, in order.
func writePlan(ctx context.Context, tx pgx.Tx, p *sqlstore.Plan, now time.Time) error {
	if len(p.Updates) > 0 {
		ids := make([]string, len(p.Updates))
		seqs, touched := make([]int32, len(p.Updates)), make([]bool, len(p.Updates))
		for i, u := range p.Updates {
			ids[i], seqs[i], touched[i] = u.ID, int32(u.Seq), u.Touched
		}
		if _, err := tx.Exec(ctx, updateSQL, ids, seqs, touched, stamp(now)); err != nil {
			return fmt.Errorf("update clues: %w", err)
		}
	}
	if len(p.History) == 0 {
		return nil
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"clue_history"}, historyColumns,
		pgx.CopyFromSlice(len(p.History), func(i int) ([]any, error) {
			h := &p.History[i]
			return []any{h.ClueID, stamp(now), stamp(h.Old.UpdateTime.Time()), h.Old.IntentionID, h.Old.PhoneStat,
				h.Old.ScheduleID}, nil
		}))
	if err != nil {
		return fmt.Errorf("write history: %w", err)
	}
	return nil
}
