package app

import (
	"fmt"
	"time"

	"github.com/cluebot/cluebot/dispatch"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/route"
)

// Live is the part of the app derived from rules.yaml and the templates: a
// snapshot that New and Reload build and swap in whole, and that nobody
// changes afterwards, so a reader sees rules, templates and the senders
// built with them of one version.
type Live struct {
	Rules *route.Rules
	// RulesVersion is the id of the store's rules version Rules are; ""
	// when the store keeps no versions (or the one in force did not check).
	RulesVersion string
	Templates    *notify.Templates
	// Notifiers are the chat receivers' senders built with Templates, by
	// name, unobserved: the daily summary needs WeCom's file sending.
	Notifiers map[string]notify.Notifier
	// Deliverer sends alerts with senders built with Templates, sharing the
	// app's store, pacer and lease owner.
	Deliverer *dispatch.Deliverer
}

// Observer lets the process running the app watch the deliverers Observe
// and Reload build (the daemon's metrics). Either hook may be nil.
type Observer struct {
	// Notifier wraps the sender of receiver name a deliverer uses.
	Notifier func(name string, n notify.Notifier) notify.Notifier
	// Message is a deliverer's dispatch.Deliverer.OnMessage.
	Message func(receiver string, alerts int, err error, took time.Duration)
}

// Live returns the rules, templates and senders in force.
func (a *App) Live() *Live { return a.live.Load() }

// Templates returns the message templates in force.
func (a *App) Templates() *notify.Templates { return a.Live().Templates }

// Notifier returns the sender of receiver name built with the templates in
// force (the daily summary's), or nil when there is none (email).
func (a *App) Notifier(name string) notify.Notifier { return a.Live().Notifiers[name] }

// Observe makes o watch the deliverer in force, rebuilt with it now, and
// every one a reload builds.
func (a *App) Observe(o Observer) error {
	a.reload.Lock()
	defer a.reload.Unlock()
	a.observer = o
	next := *a.Live()
	receivers, plain, err := a.senders(next.Rules, next.Templates)
	if err != nil {
		return err
	}
	next.Notifiers, next.Deliverer = plain, a.deliverer(receivers, next.Deliverer)
	a.use(&next)
	return nil
}

// Reload loads again what changed of rules.yaml and the templates and puts
// what is valid in force, in one new Live. Rules and templates that changed
// together (a ConfigMap swap) are checked together: a route may name a
// template added, or stop naming one removed, in the same change. New
// rules must be valid with every template their routes name; new templates
// must load and have every template the rules in force name. What is
// rejected stays as it was, with its problems, one a line (file:line:
// message), in rulesErr or templatesErr; when nothing is taken, Live stays
// the same.
func (a *App) Reload(rulesChanged, templatesChanged bool) (rulesErr, templatesErr error) {
	a.reload.Lock()
	defer a.reload.Unlock()
	next, changed := *a.Live(), false
	var tmpl *notify.Templates
	if templatesChanged {
		tmpl, templatesErr = receiver.Platforms().LoadTemplates(a.Config.Templates)
		if templatesErr == nil && a.MarkLinks != nil {
			tmpl.SetMarkLink(a.MarkLinks.URL)
		}
	}
	if rulesChanged {
		against := next.Templates
		if tmpl != nil {
			against = tmpl
		}
		if rules, version, err := a.reloadRules(against); err != nil {
			rulesErr = err
		} else {
			next.Rules, next.RulesVersion, changed = rules, version, true
		}
	}
	if templatesChanged && templatesErr == nil {
		var receivers []*dispatch.Receiver
		var plain map[string]notify.Notifier
		if receivers, plain, templatesErr = a.senders(next.Rules, tmpl); templatesErr == nil {
			next.Templates, next.Notifiers, next.Deliverer = tmpl, plain, a.deliverer(receivers, next.Deliverer)
			changed = true
		}
	}
	if changed {
		a.use(&next)
	}
	return rulesErr, templatesErr
}

// reloadRules reads rules.yaml again, checked against tmpl, and returns
// the rules in force after it: the file's when it is a change (it becomes
// a version), else the version in force (a read-only file older than a
// save made in the console).
func (a *App) reloadRules(tmpl *notify.Templates) (*route.Rules, string, error) {
	text, rules, err := readRules(a.Config, tmpl)
	if err != nil {
		return nil, "", err
	}
	return a.adopt(text, rules, tmpl)
}

// use puts l in force: for readers of Live, and of Rules (dispatch). New
// rules log what `config check` warns of in them (MentionWarnings), so a
// daemon started or reloaded without a check still says it.
func (a *App) use(l *Live) {
	prev := a.live.Swap(l)
	a.Rules.Store(l.Rules)
	if l.Rules != nil && (prev == nil || prev.Rules != l.Rules) && a.Log != nil {
		for _, w := range MentionWarnings(a.Config, l.Rules) {
			a.Log.Warn("rules: " + w)
		}
	}
}

// senders checks that tmpl has the templates the routes of rules name and
// builds every chat receiver's sender with it: for a deliverer, each
// wrapped by the observer, and plain, by name.
func (a *App) senders(rules *route.Rules, tmpl *notify.Templates) ([]*dispatch.Receiver, map[string]notify.Notifier, error) {
	if rules != nil {
		if errs := RouteTemplates(a.Config, rules, tmpl); len(errs) > 0 {
			return nil, nil, &ConfigError{fmt.Errorf("templates missing for the rules in force:\n%w", route.Errors(errs))}
		}
	}
	plain := map[string]notify.Notifier{}
	wrap := a.observer.Notifier
	receivers, err := a.Receivers(tmpl, func(name string, n notify.Notifier) notify.Notifier {
		plain[name] = n
		if wrap != nil {
			return wrap(name, n)
		}
		return n
	})
	if err != nil {
		return nil, nil, err
	}
	return receivers, plain, nil
}

// deliverer builds a deliverer over receivers, observed, that takes over
// from prev (nil at first): a pass in progress finishes with prev.
func (a *App) deliverer(receivers []*dispatch.Receiver, prev *dispatch.Deliverer) *dispatch.Deliverer {
	d := a.NewDeliverer(receivers)
	if prev != nil {
		d.Lease = prev.Lease
	}
	d.OnMessage = a.observer.Message
	return d
}
