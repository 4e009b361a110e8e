package daemon

import (
	"context"
	"errors"
	"time"

	"github.com/cluebot/cluebot/config"
)

// reloadUsers applies a change of cluebot.yaml to the console's users: a
// removed user's sessions end at once, a changed role or password applies
// to the next request. The rest of the file needs a restart, as before; an
// invalid file, or one without users, changes nothing.
func (d *daemon) reloadUsers() {
	cfg, err := config.Load(d.cfg.File)
	if err == nil && !cfg.Console.Enabled() {
		// Also what a file caught half-written looks like: signing
		// everyone out for it would be wrong.
		err = errors.New("console.users: empty; turning the console off needs a restart")
	}
	d.m.Reload("config", err)
	if err != nil {
		d.log.Error("cluebot.yaml change rejected; the console's users stay as they were",
			"file", d.cfg.File, "errors", problems(err))
		return
	}
	ctx, cancel := context.WithTimeout(d.workCtx, 10*time.Second)
	defer cancel()
	if err := d.console.SetUsers(ctx, cfg.Console.Users); err != nil {
		d.log.Error("console users not reloaded", "err", err)
		return
	}
	d.log.Info("console users reloaded from cluebot.yaml; its other changes need a restart",
		"file", d.cfg.File, "users", len(cfg.Console.Users))
}
