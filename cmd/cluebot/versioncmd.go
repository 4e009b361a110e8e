package main

import (
	"context"
	"fmt"
	"io"

	"github.com/cluebot/cluebot/version"
)

// cmdVersion implements `cluebot version` (and --version, -v): the
// release, the commit and the toolchain this binary was built with.
func cmdVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs, _ := newFlags("version", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprint(stdout, version.Get())
	return nil
}
