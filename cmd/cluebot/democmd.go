package main

import (
	"context"
	"io"

	"github.com/cluebot/cluebot/demo"
)

// cmdDemo runs the whole pipeline against built-in simulators; with
// --serve it then keeps them up with the console until Ctrl-C.
func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, _ := newFlags("demo", stderr)
	dir := fs.String("dir", "", "folder for the config, database and report (default: a new temporary folder)")
	leads := fs.Int("leads", 60, "how many leads the simulated accounts hold")
	verbose := fs.Bool("v", false, "show the log (warnings and errors)")
	serve := fs.Bool("serve", false, "then serve the console, with new leads every few seconds, until Ctrl-C")
	addr := fs.String("addr", demo.DefaultServe, "with --serve: the console's address")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	opts := demo.Options{Dir: *dir, Out: stdout, Leads: *leads}
	if *serve {
		if *addr == "" {
			return usageErr("--addr: must not be empty with --serve")
		}
		opts.Serve = *addr
	}
	if *verbose {
		opts.Log = stderr
	}
	_, err := demo.Run(ctx, opts)
	return err
}
