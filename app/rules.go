package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/rulesdiff"
	"github.com/cluebot/cluebot/store"
)

// storeWait bounds the store calls that decide the rules in force.
const storeWait = 30 * time.Second

// CheckRulesText compiles rules text as rules.yaml is loaded: checked
// against the configured receivers and, when tmpl is set, the templates its
// routes name, in the configured zone. name is what errors are placed in;
// problems come back as route.Errors, one a line. The command line, the
// rules API and the app's own loads all check with it.
func CheckRulesText(cfg *config.Config, tmpl *notify.Templates, name string, data []byte) (*route.Rules, error) {
	rules, err := route.Check(name, data, cfg.ReceiverNames())
	var errs route.Errors
	if err != nil && !errors.As(err, &errs) {
		return nil, err
	}
	if rules != nil && tmpl != nil {
		errs = append(errs, RouteTemplates(cfg, rules, tmpl)...)
		errs.Sort()
	}
	if len(errs) > 0 {
		return nil, errs
	}
	rules.Zone = cfg.Location
	return rules, nil
}

// Checker returns a rulesdiff.Checker checking against the templates in
// force when it is called.
func (a *App) Checker() rulesdiff.Checker {
	return func(name string, data []byte) (*route.Rules, error) {
		return CheckRulesText(a.Config, a.Live().Templates, name, data)
	}
}

// readRules reads rules.yaml and checks it against tmpl.
func readRules(cfg *config.Config, tmpl *notify.Templates) (string, *route.Rules, error) {
	data, err := route.ReadFile(cfg.Rules)
	if err != nil {
		return "", nil, &ConfigError{err}
	}
	rules, err := CheckRulesText(cfg, tmpl, cfg.Rules, data)
	if err != nil {
		return "", nil, &ConfigError{fmt.Errorf("invalid rules:\n%w", err)}
	}
	return string(data), rules, nil
}

// adopt records rules.yaml's text, read at start or by hot reload and
// compiled as fileRules, with rulesdiff.Adopt, and returns the rules of the
// version in force with its id: the file's own when it is that version,
// else the version's text compiled against tmpl. A store without rules
// versions leaves the file in force (id ""). A version in force that no
// longer checks (a receiver removed from the config) is an error.
func (a *App) adopt(text string, fileRules *route.Rules, tmpl *notify.Templates) (*route.Rules, string, error) {
	h, ok := a.Store.(store.RulesHistory)
	if !ok {
		return fileRules, "", nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeWait)
	defer cancel()
	v, err := rulesdiff.Adopt(ctx, h, a.Config.Rules, text, time.Now())
	if err != nil {
		return nil, "", err
	}
	if v.Text == text {
		return fileRules, v.ID, nil
	}
	rules, err := CheckRulesText(a.Config, tmpl, versionName(v), []byte(v.Text))
	if err != nil {
		return nil, "", &ConfigError{fmt.Errorf("the rules in force (version %s by %s) do not check here:\n%w", v.ID, v.Author, err)}
	}
	return rules, v.ID, nil
}

// versionName is what the problems of a stored version are placed in.
func versionName(v store.RulesVersion) string { return "rules version " + v.ID }

// Follow puts the store's newest rules version in force when it is not
// already, as every instance does within a poll interval of a save made
// through another. It reports whether the rules changed. A version that
// does not check here is reported once and left out of force.
func (a *App) Follow(ctx context.Context) (bool, error) {
	h, ok := a.Store.(store.RulesHistory)
	if !ok {
		return false, nil
	}
	// Read under the lock, so a version read here never replaces a newer
	// one a save applied meanwhile.
	a.reload.Lock()
	defer a.reload.Unlock()
	v, err := h.RulesInForce(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("follow rules: %w", err)
	}
	live := a.Live()
	if v.ID == live.RulesVersion || v.ID == a.refused {
		return false, nil
	}
	rules, err := CheckRulesText(a.Config, live.Templates, versionName(v), []byte(v.Text))
	if err != nil {
		a.refused = v.ID
		return false, &ConfigError{fmt.Errorf("rules version %s by %s does not check here; the rules in force stay:\n%w", v.ID, v.Author, err)}
	}
	next := *live
	next.Rules, next.RulesVersion = rules, v.ID
	a.use(&next)
	return true, nil
}

// UseVersion puts v, just saved and compiled as rules (by the rules API's
// Apply), in force at once.
func (a *App) UseVersion(v store.RulesVersion, rules *route.Rules) {
	a.reload.Lock()
	defer a.reload.Unlock()
	next := *a.Live()
	next.Rules, next.RulesVersion = rules, v.ID
	a.use(&next)
}
