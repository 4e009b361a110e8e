// Package writeback writes the marks made in cluebot (已联系, 无效) to the
// vendor's CRM with clue_mark/update when kuaishou.write_back is set, so the
// advertiser's own view agrees. The queue is the store's (store.WriteBacks):
// every instance may run the job; each call goes through the client's API
// budget and retries like any call; a failure is stored with the lead.
package writeback

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/store"
)

// Defaults of Writer.
const (
	DefaultMaxAttempts = 6
	DefaultBatch       = 50
	firstRetry         = time.Minute
	maxRetry           = time.Hour
)

// Marker writes one update to the vendor; *fetch.Client implements it.
type Marker interface {
	MarkClue(ctx context.Context, ts fetch.TokenSource, advertiserID int64, id clue.ID, u clue.Update) error
}

// Writer writes due marks back.
type Writer struct {
	Store store.WriteBacks
	API   Marker
	// Tokens returns the token source of the account advertiserID, or false
	// when cluebot no longer has it (the write-back then fails for good).
	Tokens func(advertiserID int64) (fetch.TokenSource, bool)
	Now    func() time.Time
	Log    *slog.Logger
	// MaxAttempts is how many calls a mark gets before it fails for good;
	// 0 is DefaultMaxAttempts. Batch bounds the marks of one Run; 0 is
	// DefaultBatch.
	MaxAttempts int
	Batch       int
}

// Result counts what one Run did.
type Result struct {
	Done, Retrying, Failed int
}

// Run writes the marks due now, one call each, and records each outcome:
// done; pending again after a backoff (1m, doubling to 1h) when the call
// failed for a reason that may pass; failed, with the error, when it cannot
// succeed or MaxAttempts is used up. Only a store error stops it.
func (w *Writer) Run(ctx context.Context) (Result, error) {
	var res Result
	now := w.Now()
	due, err := w.Store.DueWriteBacks(ctx, now, cmp(w.Batch, DefaultBatch))
	if err != nil {
		return res, fmt.Errorf("write back marks: %w", err)
	}
	for _, wb := range due {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		callErr := w.write(ctx, wb)
		wb.Attempts++
		wb.LastError = ""
		switch {
		case callErr == nil:
			wb.State = store.WriteBackDone
			res.Done++
		case ctx.Err() != nil:
			return res, ctx.Err() // shutting down: the mark stays due, uncounted
		case permanent(callErr) || wb.Attempts >= cmp(w.MaxAttempts, DefaultMaxAttempts):
			wb.State, wb.LastError = store.WriteBackFailed, callErr.Error()
			res.Failed++
		default:
			wb.State, wb.LastError = store.WriteBackPending, callErr.Error()
			wb.NextAt = w.Now().Add(backoff(wb.Attempts))
			res.Retrying++
		}
		if callErr != nil {
			w.Log.Warn("mark write-back failed", "clue_id", wb.ClueID, "advertiser_id", wb.AdvertiserID,
				"attempts", wb.Attempts, "state", wb.State, "err", callErr)
		}
		if err := w.Store.RecordWriteBack(ctx, wb); err != nil {
			return res, fmt.Errorf("write back marks: %w", err)
		}
	}
	return res, nil
}

// errNoAccount is the error of a mark whose account cluebot no longer has.
var errNoAccount = errors.New("the lead's account is not configured or authorized")

func (w *Writer) write(ctx context.Context, wb store.WriteBack) error {
	var u clue.Update
	switch wb.Status {
	case store.MarkContacted:
		u = clue.ContactedUpdate()
	case store.MarkInvalid:
		u = clue.InvalidUpdate()
	default:
		return fmt.Errorf("%w: mark %q", fetch.ErrBadUpdate, wb.Status)
	}
	ts, ok := w.Tokens(wb.AdvertiserID)
	if !ok {
		return fmt.Errorf("advertiser %d: %w", wb.AdvertiserID, errNoAccount)
	}
	return w.API.MarkClue(ctx, ts, wb.AdvertiserID, clue.ID(wb.ClueID), u)
}

// permanent reports whether err cannot pass by trying again: a refused
// update, an unknown account, or a vendor answer that is neither
// retryable nor an auth failure (a token may be refreshed meanwhile).
func permanent(err error) bool {
	return errors.Is(err, fetch.ErrBadUpdate) || errors.Is(err, errNoAccount) ||
		!fetch.IsRetryable(err) && !fetch.IsAuth(err)
}

func backoff(attempts int) time.Duration {
	d := firstRetry
	for i := 1; i < attempts && d < maxRetry; i++ {
		d *= 2
	}
	return min(d, maxRetry)
}

func cmp(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}
