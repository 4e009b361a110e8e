package main

import (
	"context"
	"io"

	"github.com/cluebot/cluebot/demo"
)

// cmdDemo runs the whole pipeline against built-in simulators.
func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, _ := newFlags("demo", stderr)
	dir := fs.String("dir", "", "folder for the config, database and report (default: a new temporary folder)")
	leads := fs.Int("leads", 60, "how many leads the simulated accounts hold")
	verbose := fs.Bool("v", false, "show the log (warnings and errors)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	opts := demo.Options{Dir: *dir, Out: stdout, Leads: *leads}
	if *verbose {
		opts.Log = stderr
	}
	_, err := demo.Run(ctx, opts)
	return err
}
