package main

import (
	"context"
	"fmt"
	"io"

	"github.com/cluebot/cluebot/app"
)

// cmdSecret implements `cluebot secret rotate`: every stored token sealed
// again with the first key of CLUEBOT_SECRET_KEY (or store.key_file).
func cmdSecret(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "rotate" {
		return usageErr("usage: cluebot secret rotate -c cluebot.yaml")
	}
	fs, cfgPath := newFlags("secret rotate", stderr)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	n, err := app.RotateKeys(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return appErr(err)
	}
	fmt.Fprintf(stdout, "sealed %d token rows with the first key; keys after it may now be removed\n", n)
	return nil
}
