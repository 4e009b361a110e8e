// Package starter writes the files a new installation starts from, for
// `cluebot init`: a commented cluebot.yaml set up for the agency flow (the
// developer app's id and secret from the environment, no token), one chat
// robot of each kind, operator notices and the daily report, next to the
// shipped rules.yaml whose routes name those robots. They pass `cluebot
// config check` as written; what is left to fill in is marked.
package starter

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cluebot/cluebot"
	"github.com/cluebot/cluebot/atomicfile"
	"github.com/cluebot/cluebot/config"
)

//go:embed cluebot.yaml
var files embed.FS

// RulesFile is the name of the starter rules file, as cluebot.yaml's
// `rules:` names it.
const RulesFile = "rules.yaml"

// File is one starter file.
type File struct {
	Name string // the file's name in the folder
	Data []byte
}

// Files returns the starter files in the order they are written:
// cluebot.yaml, then rules.yaml (the shipped example, cluebot.RulesYAML).
func Files() []File {
	cfg, err := fs.ReadFile(files, config.DefaultPath)
	if err != nil {
		panic("starter: cluebot.yaml is not embedded: " + err.Error())
	}
	return []File{{config.DefaultPath, cfg}, {RulesFile, cluebot.RulesYAML}}
}

// ExistsError is Write's refusal to replace a file that is already there.
type ExistsError struct {
	Path string
}

// Error names the file and the way out.
func (e *ExistsError) Error() string {
	return fmt.Sprintf("%s already exists: nothing was written (move it away, or pass --force to replace it)", e.Path)
}

// Unwrap makes an ExistsError match fs.ErrExist.
func (e *ExistsError) Unwrap() error { return fs.ErrExist }

// Write writes the starter files into dir, creating it (0700) when it does
// not exist, each file whole (see atomicfile) and 0600: cluebot.yaml will
// hold secrets. Unless force is set it writes nothing when any of them
// exists already, and returns an *ExistsError naming it; a file that
// appears meanwhile is not replaced either. It returns the paths written.
func Write(dir string, force bool) ([]string, error) {
	fl := Files()
	if !force {
		for _, f := range fl {
			path := filepath.Join(dir, f.Name)
			if _, err := os.Lstat(path); err == nil {
				return nil, &ExistsError{Path: path}
			} else if !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("init: %w", err)
			}
		}
	}
	put := atomicfile.Create
	if force {
		put = atomicfile.Write
	}
	var written []string
	for _, f := range fl {
		path := filepath.Join(dir, f.Name)
		err := put(path, func(w io.Writer) error {
			_, err := w.Write(f.Data)
			return err
		})
		if errors.Is(err, fs.ErrExist) {
			return written, &ExistsError{Path: path}
		}
		if err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}
