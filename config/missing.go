package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// MissingError is the error of Load and Check when the config file does not
// exist: it says how to make one. It matches fs.ErrNotExist.
type MissingError struct {
	// Path is the config file that was looked for.
	Path string
}

// Error says which file is missing and how to make one: `cluebot init`
// (with --dir when the file is not in the working directory) or -c.
func (e *MissingError) Error() string {
	dir := filepath.Dir(e.Path)
	init := "cluebot init"
	if filepath.Clean(dir) != "." {
		init += " --dir " + dir
	}
	where := dir
	if abs, err := filepath.Abs(dir); err == nil {
		where = abs
	}
	if filepath.Base(e.Path) == DefaultPath {
		return fmt.Sprintf("no %s in %s: run `%s` to write a starter config, or pass -c FILE", DefaultPath, where, init)
	}
	return fmt.Sprintf("no config file %s: run `%s` to write a starter %s, or pass -c FILE", e.Path, init, DefaultPath)
}

// Unwrap makes a MissingError match fs.ErrNotExist.
func (e *MissingError) Unwrap() error { return fs.ErrNotExist }

// readFile reads the config file at path; a file that does not exist is a
// *MissingError.
func readFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, &MissingError{Path: path}
	case err != nil:
		return nil, fmt.Errorf("read config: %w", err)
	}
	return data, nil
}
