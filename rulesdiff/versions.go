package rulesdiff

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/cluebot/cluebot/atomicfile"
	"github.com/cluebot/cluebot/store"
)

// retries is how often Adopt and Save try again when another instance
// added a version between their read and their write.
const retries = 5

// Adopt records the rules file's text, read at start or by hot reload, and
// returns the version in force. The text becomes a new version, author
// store.AuthorFile, only when it differs from both the version in force
// and the file text last seen: so a console save, which writes the file
// too, is not recorded twice, and a read-only file never reverts a save
// made in the console. With an empty history the file becomes the first
// version. name is the file, for the version's comment. The caller checks
// the text first: Adopt records any text.
func Adopt(ctx context.Context, h store.RulesHistory, name, text string, now time.Time) (store.RulesVersion, error) {
	hash := store.RulesHash(text)
	for range retries {
		cur, err := h.RulesInForce(ctx)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return cur, fmt.Errorf("adopt rules file: %w", err)
		}
		seen, err := h.RulesFileSeen(ctx)
		if err != nil {
			return cur, fmt.Errorf("adopt rules file: %w", err)
		}
		if cur.ID != "" && (hash == cur.Hash || hash == seen) {
			if seen != hash {
				if err := h.SetRulesFileSeen(ctx, hash); err != nil {
					return cur, fmt.Errorf("adopt rules file: %w", err)
				}
			}
			return cur, nil
		}
		v := store.RulesVersion{Author: store.AuthorFile, Comment: "read from " + name, At: now, Text: text}
		v.ID, err = h.AddRulesVersion(ctx, v, cur.ID)
		if errors.Is(err, store.ErrRulesConflict) {
			continue // someone else changed the rules: decide again
		}
		if err != nil {
			return cur, fmt.Errorf("adopt rules file: %w", err)
		}
		if err := h.SetRulesFileSeen(ctx, hash); err != nil {
			return cur, fmt.Errorf("adopt rules file: %w", err)
		}
		v.Hash = hash
		return v, nil
	}
	return store.RulesVersion{}, fmt.Errorf("adopt rules file: %w", store.ErrRulesConflict)
}

// FileError is a save whose version is in force but whose rules file could
// not be written (a read-only mount): the file keeps its old text, and
// Adopt will not take it for a change.
type FileError struct {
	Path string
	Err  error
}

// Error says the rules are in force but the file was not written.
func (e *FileError) Error() string {
	return fmt.Sprintf("rules saved, but %s was not written: %v", e.Path, e.Err)
}

// Unwrap returns the write's error.
func (e *FileError) Unwrap() error { return e.Err }

// Save makes v (checked by the caller; Author, Comment, At and Text set)
// the version in force and returns its id. Then, when path is set, it
// writes the text to the rules file atomically, keeping the file's mode,
// and records it as the file text last seen. A file that cannot be written
// gives the id and a *FileError: the version is in force all the same.
func Save(ctx context.Context, h store.RulesHistory, v store.RulesVersion, path string) (string, error) {
	var id string
	for range retries {
		cur, err := h.RulesInForce(ctx)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return "", fmt.Errorf("save rules: %w", err)
		}
		id, err = h.AddRulesVersion(ctx, v, cur.ID)
		if errors.Is(err, store.ErrRulesConflict) {
			continue // another save came first: this one follows it
		}
		if err != nil {
			return "", fmt.Errorf("save rules: %w", err)
		}
		break
	}
	if id == "" {
		return "", fmt.Errorf("save rules: %w", store.ErrRulesConflict)
	}
	if path == "" {
		return id, nil
	}
	if err := writeFile(path, v.Text); err != nil {
		return id, &FileError{Path: path, Err: err}
	}
	if err := h.SetRulesFileSeen(ctx, store.RulesHash(v.Text)); err != nil {
		return id, fmt.Errorf("save rules: %w", err)
	}
	return id, nil
}

// writeFile replaces the rules file atomically, keeping its mode.
func writeFile(path, text string) error {
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := io.WriteString(w, text)
		return err
	})
	if err != nil {
		return err
	}
	return os.Chmod(path, mode)
}
