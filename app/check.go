package app

import (
	"errors"
	"fmt"

	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/dispatch"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/route"
)

// LoadRules loads rules.yaml for the configured zone and checks it against
// the configured receivers and, when tmpl is set, the templates its routes
// name against tmpl. Every problem comes in one *ConfigError, one a line.
func LoadRules(cfg *config.Config, tmpl *notify.Templates) (*route.Rules, error) {
	rules, errs, err := checkRules(cfg, tmpl)
	if err != nil {
		return nil, &ConfigError{fmt.Errorf("invalid rules:\n%w", err)}
	}
	if len(errs) > 0 {
		return nil, &ConfigError{fmt.Errorf("invalid rules:\n%w", errs)}
	}
	rules.Zone = cfg.Location
	return rules, nil
}

// CheckFiles checks rules.yaml and the templates cfg names, against cfg and
// each other, and returns every problem found, each printing as
// file:line: message: those of rules.yaml in line order, then those of the
// templates.
func CheckFiles(cfg *config.Config) []error {
	tmpl, terr := receiver.Platforms().CheckTemplates(cfg.Templates)
	_, errs, err := checkRules(cfg, tmpl)
	var out []error
	if err != nil {
		out = append(out, err)
	}
	out = append(out, errs...)
	if terr != nil {
		var joined interface{ Unwrap() []error }
		if errors.As(terr, &joined) {
			out = append(out, joined.Unwrap()...)
		} else {
			out = append(out, terr)
		}
	}
	return out
}

// checkRules loads rules.yaml and returns the rules as far as they could be
// read with every problem of the file: its own, receivers cfg does not
// define and, when tmpl is set, templates that routes name and tmpl lacks.
// err is a failure to read the file at all.
func checkRules(cfg *config.Config, tmpl *notify.Templates) (*route.Rules, route.Errors, error) {
	rules, err := route.LoadChecked(cfg.Rules, cfg.ReceiverNames())
	var errs route.Errors
	if err != nil && !errors.As(err, &errs) {
		return nil, nil, err
	}
	if rules != nil && tmpl != nil {
		errs = append(errs, RouteTemplates(cfg, rules, tmpl)...)
		errs.Sort()
	}
	return rules, errs, nil
}

// RouteTemplates returns a problem at each route of rules that picks a
// template tmpl does not have for one of its receivers' chat types, or the
// template of another kind of message (digest, summary, reminder,
// escalation), which does not render single leads.
func RouteTemplates(cfg *config.Config, rules *route.Rules, tmpl *notify.Templates) []error {
	var out []error
	for _, rt := range rules.Routes {
		if rt.Template == "" {
			continue
		}
		if notify.Reserved(rt.Template) {
			out = append(out, &route.PosError{File: rules.File, Line: rt.Line,
				Msg: fmt.Sprintf("route %q: template %q is the %s template, not one for single leads", rt.Name, rt.Template, rt.Template)})
			continue
		}
		for _, name := range rt.Receivers {
			typ := cfg.Receivers[name].Type
			if !tmpl.Renders(typ) {
				continue
			}
			if !tmpl.Has(rt.Template, typ) && !tmpl.Broken(rt.Template, typ) {
				out = append(out, &route.PosError{File: rules.File, Line: rt.Line,
					Msg: fmt.Sprintf("route %q: template %q has no %s.%s.tmpl in %s", rt.Name, rt.Template, rt.Template, typ, cfg.Templates)})
			}
		}
	}
	return out
}

// Templates returns the message templates in force.
func (a *App) Templates() *notify.Templates { return a.templates.Load() }

// Notifier returns the sender of receiver name built with the templates in
// force (the daily summary's), or nil when there is none (email).
func (a *App) Notifier(name string) notify.Notifier {
	if m := a.notifiers.Load(); m != nil {
		return (*m)[name]
	}
	return nil
}

// UseTemplates makes tmpl the templates in force. It checks the templates
// the routes in force name against it and builds every chat receiver's
// sender with it; only when all that works are the new senders the ones
// the daily summary uses. It returns the receivers for a deliverer, each
// notifier wrapped by wrap when set (as Receivers does); on error nothing
// changes.
func (a *App) UseTemplates(tmpl *notify.Templates, wrap func(name string, n notify.Notifier) notify.Notifier) ([]*dispatch.Receiver, error) {
	if rules := a.Rules.Load(); rules != nil {
		if errs := RouteTemplates(a.Config, rules, tmpl); len(errs) > 0 {
			return nil, &ConfigError{fmt.Errorf("templates missing for the rules in force:\n%w", route.Errors(errs))}
		}
	}
	plain := map[string]notify.Notifier{}
	receivers, err := a.Receivers(tmpl, func(name string, n notify.Notifier) notify.Notifier {
		plain[name] = n // unwrapped: the summary needs WeCom's file sending
		if wrap != nil {
			return wrap(name, n)
		}
		return n
	})
	if err != nil {
		return nil, err
	}
	a.templates.Store(tmpl)
	a.notifiers.Store(&plain)
	return receivers, nil
}
