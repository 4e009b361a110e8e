package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"
)

// AuthorFile is the author of a rules version picked up from rules.yaml (at
// start or by hot reload) rather than saved in the console.
const AuthorFile = "file"

// ErrRulesConflict is returned when a rules version was to follow a version
// that is no longer the newest: someone else changed the rules first.
var ErrRulesConflict = errors.New("another rules version was added first")

// RulesVersion is one version of rules.yaml. Versions are never changed or
// removed; the newest is the one in force.
type RulesVersion struct {
	ID      string // set by the store: decimal, increasing with each version
	Author  string // the console user who saved it, or AuthorFile
	Comment string
	At      time.Time
	Hash    string // RulesHash of Text, set by the store
	Text    string // empty in RulesVersions' list
}

// Validate checks what the caller of AddRulesVersion must set.
func (v *RulesVersion) Validate() error {
	switch {
	case v.Author == "":
		return errors.New("a rules version needs an author")
	case v.At.IsZero():
		return errors.New("a rules version needs a time")
	}
	return nil
}

// RulesHash is the hex SHA-256 of rules text: how versions and the file
// text last seen are compared.
func RulesHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// RulesHistory keeps every version of the rules, shared by every instance
// using the store, and the hash of the rules file text last seen.
type RulesHistory interface {
	// AddRulesVersion adds v as the newest version, with its hash, provided
	// the newest version is still the one with id after ("" when there is
	// none yet), and returns its id. Otherwise it adds nothing and returns
	// ErrRulesConflict. Author and a non-zero At are required.
	AddRulesVersion(ctx context.Context, v RulesVersion, after string) (string, error)
	// RulesVersions lists up to limit versions (every one when limit <= 0),
	// newest first, without their text.
	RulesVersions(ctx context.Context, limit int) ([]RulesVersion, error)
	// RulesVersion returns one version with its text, or ErrNotFound.
	RulesVersion(ctx context.Context, id string) (RulesVersion, error)
	// RulesInForce returns the newest version with its text, or ErrNotFound
	// when there is none.
	RulesInForce(ctx context.Context) (RulesVersion, error)
	// RulesFileSeen returns the hash of the rules file text last seen, ""
	// when none was recorded.
	RulesFileSeen(ctx context.Context) (string, error)
	// SetRulesFileSeen records the hash of the rules file text just seen.
	SetRulesFileSeen(ctx context.Context, hash string) error
}
