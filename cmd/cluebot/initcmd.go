package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/cluebot/cluebot/starter"
)

// cmdInit implements `cluebot init [--dir DIR] [--force]`: the starter
// cluebot.yaml and rules.yaml, then the next three steps. A file in the
// way exits 2 and nothing is written.
func cmdInit(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cluebot init", flag.ContinueOnError) // no -c: it reads no config
	fs.SetOutput(stderr)
	dir := fs.String("dir", ".", "the folder to write cluebot.yaml and rules.yaml into (created when missing)")
	force := fs.Bool("force", false, "replace cluebot.yaml and rules.yaml if they exist")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	written, err := starter.Write(*dir, *force)
	for _, path := range written {
		fmt.Fprintf(stdout, "wrote %s\n", path)
	}
	var exists *starter.ExistsError
	if errors.As(err, &exists) {
		return &exitError{code: 2, err: err}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%s", starter.NextSteps(*dir))
	return nil
}
