package daemon

import (
	"context"

	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/rulesdiff"
)

// followRules puts the store's newest rules version in force when another
// instance (or the console of another instance) saved one.
func (d *daemon) followRules(ctx context.Context) {
	changed, err := d.a.Follow(ctx)
	if err != nil {
		d.m.Reload("rules", err)
		d.log.Error("a rules version was not taken; the rules in force stay", "errors", problems(err))
		return
	}
	if changed {
		d.m.Reload("rules", nil)
		d.log.Info("rules followed from the store", "version", d.a.Live().RulesVersion,
			"routes", len(d.a.Live().Rules.Routes))
	}
}

// rulesAPI is the console's rules API over the app: saves put the version
// in force here at once and in the audit log, and write rules.yaml where
// it is writable; nil when the store keeps no rules versions.
func (d *daemon) rulesAPI() *rulesdiff.API {
	st, ok := d.a.Store.(rulesdiff.Store)
	if !ok {
		return nil
	}
	return &rulesdiff.API{
		Store:   st,
		Check:   d.a.Checker(),
		InForce: func(context.Context) (*route.Rules, error) { return d.a.Live().Rules, nil },
		Apply:   d.a.UseVersion,
		Audit:   d.a.Store.AddAudit,
		Path:    d.cfg.Rules,
		Options: rulesdiff.Options{Zone: d.cfg.Location},
		Names:   d.a.AccountNames,
		Now:     d.clock.Now,
		Log:     d.log.With("component", "rules"),
	}
}
