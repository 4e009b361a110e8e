package daemon

import "context"

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
