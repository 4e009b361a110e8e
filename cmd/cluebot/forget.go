package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/user"
	"time"

	"github.com/cluebot/cluebot/console"
)

// cmdForget implements `cluebot forget --phone P`: every lead with that
// phone is erased from the store (clues, history, outbox, marks), and the
// erasure is audited, without the number, as done by "cli:<os user>".
func cmdForget(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfgPath := newFlags("forget", stderr)
	phone := fs.String("phone", "", "the phone number whose leads are erased (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *phone == "" {
		return usageErr("--phone is required")
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := console.Forget(ctx, st, "cli:"+osUser(), *phone, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "forgotten: %d leads\n", n)
	return nil
}

// osUser names who runs the command, for the audit log.
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}
