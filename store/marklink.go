package store

import (
	"context"
	"time"
)

// MarkLinkKeySize is the length in bytes of the key that signs mark links.
const MarkLinkKeySize = 32

// MarkLinks keeps the key that signs the mark links alerts carry, so that
// every instance sharing the store signs and checks links alike.
type MarkLinks interface {
	// MarkLinkKey returns the stored mark-link key. When none is stored
	// yet it stores candidate and returns it; when two instances race, both
	// get the one stored first. A candidate of the wrong size is an error.
	MarkLinkKey(ctx context.Context, candidate []byte) ([]byte, error)
}

// Write-back states.
const (
	WriteBackPending = "pending" // to be written, at NextAt
	WriteBackDone    = "done"
	WriteBackFailed  = "failed" // given up: LastError says why
)

// WriteBack is the writing of a lead's mark to the vendor's CRM
// (kuaishou.write_back). A later mark of the lead starts a new one.
type WriteBack struct {
	ClueID       string
	AdvertiserID int64
	Status       string    // the mark's: MarkContacted or MarkInvalid
	MarkAt       time.Time // the mark's time: which mark this writes
	State        string
	Attempts     int
	NextAt       time.Time
	LastError    string // never a token
}

// WriteBacks is the queue of marks to write to the vendor, shared by
// instances. Every mark is in it: one not written yet is pending at once.
type WriteBacks interface {
	// DueWriteBacks returns up to limit write-backs due at now, oldest mark
	// first: marks never tried (or replaced by a later mark since, which
	// starts again from 0 attempts) and pending ones whose NextAt has come.
	DueWriteBacks(ctx context.Context, now time.Time, limit int) ([]WriteBack, error)
	// RecordWriteBack stores the outcome of writing w (State, Attempts,
	// NextAt, LastError), replacing the clue's earlier one.
	RecordWriteBack(ctx context.Context, w WriteBack) error
	// WriteBackOf returns the lead's latest write-back, or ErrNotFound.
	WriteBackOf(ctx context.Context, clueID string) (WriteBack, error)
}
