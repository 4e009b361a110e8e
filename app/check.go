package app

import (
	"errors"
	"fmt"

	"github.com/cluebot/cluebot/config"
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
// templates; then a key to seal tokens with that cannot be read. The
// warnings are those of rules.yaml (see MentionWarnings), each as
// file:line: warning: message.
func CheckFiles(cfg *config.Config) (problems []error, warnings []string) {
	tmpl, terr := receiver.Platforms().CheckTemplates(cfg.Templates)
	rules, errs, err := checkRules(cfg, tmpl)
	if rules != nil {
		warnings = MentionWarnings(cfg, rules)
	}
	var out []error
	if err != nil {
		out = append(out, err)
	}
	out = append(out, errs...)
	if _, err := Keys(cfg); err != nil {
		out = append(out, err) // it names CLUEBOT_SECRET_KEY or store.key_file
	}
	if terr != nil {
		var joined interface{ Unwrap() []error }
		if errors.As(terr, &joined) {
			out = append(out, joined.Unwrap()...)
		} else {
			out = append(out, terr)
		}
	}
	return out, warnings
}

// MentionWarnings returns a warning at each round-robin member a route's
// chat receivers cannot @: one with no mobile for DingTalk, no open_id for
// Feishu, neither userid nor mobile for WeCom. Such a member is named in
// the alert but never notified. One warning a member and platform.
func MentionWarnings(cfg *config.Config, rules *route.Rules) []string {
	platforms := receiver.Platforms()
	var out []string
	for _, rt := range rules.Routes {
		for i := range rt.Mention.RoundRobin {
			m := &rt.Mention.RoundRobin[i]
			warned := map[string]bool{}
			for _, name := range rt.Receivers {
				typ := cfg.Receivers[name].Type
				p, ok := platforms.Lookup(typ)
				if !ok || p.CanMention == nil || p.CanMention(m) || warned[typ] {
					continue
				}
				warned[typ] = true
				line := 0
				if i < len(rt.Mention.Lines) {
					line = rt.Mention.Lines[i]
				}
				w := &route.PosError{File: rules.File, Line: line, Msg: fmt.Sprintf("round_robin member %q of route %q "+
					"has nothing %s receiver %q can @ (give %s): the alert names them but does not notify them",
					m.Name, rt.Name, typ, name, p.MentionBy)}
				out = append(out, w.Warning())
			}
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
