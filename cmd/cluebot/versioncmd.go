package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/cluebot/cluebot/version"
)

// cmdVersion implements `cluebot version` (and --version, -v): the
// release, the commit and the toolchain this binary was built with.
func cmdVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cluebot version", flag.ContinueOnError) // no -c: it reads no config
	fs.SetOutput(stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprint(stdout, version.Get())
	return nil
}
