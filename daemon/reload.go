package daemon

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// reloader watches rules.yaml and the templates directory and has the app
// reload them when they change. It watches their directories (a file's own watch ends when an editor or a
// ConfigMap swap replaces it), waits for events to settle, and reloads only
// what changed in content.
type reloader struct {
	d        *daemon
	w        *fsnotify.Watcher
	rules    string // cleaned paths
	tmplDir  string
	rulesSum string // content fingerprints of the last version seen
	tmplSum  string
	cfgFile  string // cluebot.yaml, watched for the console's users; "" without a console
	cfgSum   string
}

// startWatcher starts hot reload and returns its stop function. When files
// cannot be watched it logs why and the daemon runs without hot reload.
func (d *daemon) startWatcher() (stop func()) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		d.log.Error("hot reload is off: cannot watch files", "err", err)
		return func() {}
	}
	rl := &reloader{d: d, w: w, rules: filepath.Clean(d.cfg.Rules), tmplDir: filepath.Clean(d.cfg.Templates)}
	rl.rulesSum, rl.tmplSum = fileSum(rl.rules), dirSum(rl.tmplDir)
	dirs := []string{filepath.Dir(rl.rules)}
	if d.console != nil && d.cfg.File != "" {
		rl.cfgFile = filepath.Clean(d.cfg.File)
		rl.cfgSum = fileSum(rl.cfgFile)
		dirs = append(dirs, filepath.Dir(rl.cfgFile))
	}
	if d.cfg.Templates != "" {
		dirs = append(dirs, filepath.Dir(rl.tmplDir), rl.tmplDir)
	}
	slices.Sort(dirs)
	for _, dir := range slices.Compact(dirs) {
		if err := w.Add(dir); err != nil && dir != rl.tmplDir {
			d.log.Warn("cannot watch a config directory; its changes need a restart", "dir", dir, "err", err)
		}
	}
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		rl.loop(quit)
	}()
	return func() {
		close(quit)
		<-done
		_ = w.Close()
	}
}

// loop debounces events: a burst (an editor writing twice, a rename) is
// checked once, ReloadDebounce after its last event.
func (rl *reloader) loop(quit <-chan struct{}) {
	var timer *time.Timer
	var fire <-chan time.Time
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		select {
		case <-quit:
			return
		case ev, ok := <-rl.w.Events:
			if !ok {
				return
			}
			if !rl.relevant(ev) {
				continue
			}
			if timer == nil {
				timer = time.NewTimer(rl.d.opts.ReloadDebounce)
			} else {
				timer.Reset(rl.d.opts.ReloadDebounce)
			}
			fire = timer.C
		case err, ok := <-rl.w.Errors:
			if !ok {
				return
			}
			rl.d.log.Warn("file watch error", "err", err)
		case <-fire:
			fire = nil
			rl.check()
		}
	}
}

// relevant keeps the events about rules.yaml, the templates and symlink
// swaps (Kubernetes' ..data), and watches a templates directory that was
// created again.
func (rl *reloader) relevant(ev fsnotify.Event) bool {
	name := filepath.Clean(ev.Name)
	if name == rl.tmplDir && ev.Has(fsnotify.Create) {
		_ = rl.w.Add(rl.tmplDir)
	}
	return name == rl.rules || name == rl.tmplDir || filepath.Dir(name) == rl.tmplDir ||
		(rl.cfgFile != "" && name == rl.cfgFile) ||
		strings.HasPrefix(filepath.Base(name), "..")
}

// check has the app reload what changed in content since it was last
// seen (see app.App.Reload: rules and templates changed together are
// checked together), and reports the outcome of each: a rejected change is
// logged with every problem, and what was in force stays.
func (rl *reloader) check() {
	defer func() {
		if r := recover(); r != nil {
			rl.d.log.Error("reload panicked", "panic", r, "stack", string(debug.Stack()))
		}
	}()
	rulesChanged, tmplChanged := false, false
	if sum := fileSum(rl.rules); sum != rl.rulesSum {
		rl.rulesSum, rulesChanged = sum, true
	}
	if sum := dirSum(rl.tmplDir); sum != rl.tmplSum {
		rl.tmplSum, tmplChanged = sum, true
	}
	if rl.cfgFile != "" {
		if sum := fileSum(rl.cfgFile); sum != rl.cfgSum {
			rl.cfgSum = sum
			rl.d.reloadUsers()
		}
	}
	if !rulesChanged && !tmplChanged {
		return
	}
	d := rl.d
	rulesErr, tmplErr := d.a.Reload(rulesChanged, tmplChanged)
	if rulesChanged {
		d.m.Reload("rules", rulesErr)
		if rulesErr != nil {
			d.log.Error("rules.yaml change rejected; the previous rules stay in force",
				"file", d.cfg.Rules, "errors", problems(rulesErr))
		} else {
			d.log.Info("rules.yaml reloaded", "file", d.cfg.Rules, "routes", len(d.a.Live().Rules.Routes))
		}
	}
	if tmplChanged {
		d.m.Reload("templates", tmplErr)
		if tmplErr != nil {
			d.log.Error("templates change rejected; the previous templates stay in force",
				"dir", d.cfg.Templates, "errors", problems(tmplErr))
		} else {
			d.log.Info("templates reloaded", "dir", d.cfg.Templates)
		}
	}
}

// problems splits an error listing problems one a line (file:line:
// message) into its lines, without headings.
func problems(err error) []string {
	var out []string
	for _, line := range strings.Split(err.Error(), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasSuffix(line, ":") {
			out = append(out, line)
		}
	}
	return out
}

// fileSum fingerprints a file's content; a missing file has its own.
func fileSum(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "error: " + err.Error()
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// dirSum fingerprints the *.tmpl files of a directory.
func dirSum(dir string) string {
	if dir == "" || dir == "." {
		return ""
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.tmpl"))
	if err != nil {
		return "error: " + err.Error()
	}
	sort.Strings(names)
	h := sha256.New()
	for _, name := range names {
		io.WriteString(h, name+"\x00"+fileSum(name)+"\x00")
	}
	return hex.EncodeToString(h.Sum(nil))
}
