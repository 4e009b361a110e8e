package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/stretchr/testify/require"

	sim "github.com/cluebot/cluebot/sim/kuaishou"
)

// proc is one `cluebot run` process.
type proc struct {
	n       int
	cmd     *exec.Cmd
	stdout  *logSink
	stderr  *logSink
	done    chan struct{} // closed once it exited
	killed  chan struct{} // closed once kill recorded its end
	waitErr error
}

// killRecord says what one kill hit.
type killRecord struct {
	n       int
	proc    int           // the process killed
	trigger string        // what armed it: random, pull, route, deliver, accept
	at      time.Duration // since the rig started
	when    time.Time
	last    []string      // the messages of the process's last log lines
	held    time.Duration // how long the kill waited for a token rotation to be saved
}

// startDaemon starts `cluebot run` as a new process.
func (r *crashRig) startDaemon() {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	p := &proc{n: len(r.procs) + 1, done: make(chan struct{}), killed: make(chan struct{})}
	p.stdout, p.stderr = &logSink{}, &logSink{onLine: r.onLogLine}
	p.cmd = exec.Command(os.Args[0], "run", "-c", r.cfgPath)
	p.cmd.Dir, p.cmd.Env, p.cmd.Stdout, p.cmd.Stderr = r.dir, r.env, p.stdout, p.stderr
	require.NoError(r.t, p.cmd.Start())
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.done)
	}()
	r.procs = append(r.procs, p)
	r.cur, r.down = p, false
}

// onLogLine fires the kill armed for what the daemon just logged.
func (r *crashRig) onLogLine(line string) {
	switch {
	case strings.Contains(line, `"msg":"clue routed"`):
		r.event("route")
	case strings.Contains(line, `"msg":"alert sent"`):
		r.event("deliver")
	}
}

// arm makes the next event of kind close the returned channel.
func (r *crashRig) arm(kind string) <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.armed, r.fire = kind, make(chan struct{})
	return r.fire
}

// event fires the armed trigger if it is of kind, and reports whether it did.
func (r *crashRig) event(kind string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.armed != kind || r.down {
		return false
	}
	r.armed = ""
	close(r.fire)
	return true
}

// kill kills the current process with SIGKILL and waits for it to die. It
// never kills between the simulator rotating an account's refresh token and
// cluebot saving the new pair: the old one is spent by then, so that crash
// would cost the account its authorisation whatever cluebot did (the vendor's
// single-use refresh tokens leave that window open).
func (r *crashRig) kill(trigger string) error {
	began := time.Now()
	var held time.Duration
	for {
		r.mu.Lock()
		if r.refreshing == 0 && r.rotationsSaved() || time.Since(began) > 10*time.Second {
			break
		}
		r.mu.Unlock()
		time.Sleep(time.Millisecond)
		held = time.Since(began)
	}
	p := r.cur
	r.armed, r.down = "", true
	err := p.cmd.Process.Kill()
	killedAt := time.Now()
	r.mu.Unlock()
	<-p.done
	rec := killRecord{proc: p.n, trigger: trigger, at: killedAt.Sub(r.start).Round(time.Millisecond), when: killedAt,
		last: p.stderr.lastMessages(4), held: held}
	r.mu.Lock()
	rec.n = len(r.kills) + 1
	r.kills = append(r.kills, rec)
	r.mu.Unlock()
	close(p.killed)
	return err
}

// rotationsSaved reports whether every refresh token the simulator issued
// is stored, forgetting those that are. The caller holds r.mu.
func (r *crashRig) rotationsSaved() bool {
	if len(r.unsaved) == 0 {
		return true
	}
	db, err := openReadOnly(r.dbPath)
	if err != nil {
		return false
	}
	defer db.Close()
	for adv, want := range r.unsaved {
		var got string
		if db.QueryRow(`SELECT refresh_token FROM tokens WHERE advertiser_id = ?`, adv).Scan(&got) == nil && got == want {
			delete(r.unsaved, adv)
		}
	}
	return len(r.unsaved) == 0
}

// tokensSaved reports whether the store holds every account's current token
// pair as the simulator knows it. The caller holds r.mu.
func (r *crashRig) tokensSaved() bool {
	db, err := openReadOnly(r.dbPath)
	if err != nil {
		return false
	}
	defer db.Close()
	for _, adv := range r.accounts {
		_, want, _ := r.ks.Tokens(adv)
		var got string
		err := db.QueryRow(`SELECT refresh_token FROM tokens WHERE advertiser_id = ?`, adv).Scan(&got)
		if err != nil {
			got = r.cfgRefresh[adv] // not seeded yet: the config's
		}
		if got != want {
			return false
		}
	}
	return true
}

// killOn arms trigger, waits for it (at most wait; then it kills anyway),
// lets up to jitter pass and kills. An "accept" kill is made by the robot's
// answer itself; killOn then waits for it.
func (r *crashRig) killOn(trigger string, wait, jitter time.Duration, rng *rand.Rand) {
	r.t.Helper()
	r.readMetrics()
	r.mu.Lock()
	p := r.cur
	r.mu.Unlock()
	if trigger != "random" {
		fired := r.arm(trigger)
		select {
		case <-fired:
		case <-time.After(wait):
			if r.disarm() {
				trigger += " (timed out)"
			} else {
				<-fired // it fired meanwhile
			}
		}
		if trigger == "accept" {
			<-p.killed
			return
		}
	}
	if jitter > 0 {
		time.Sleep(time.Duration(rng.Int64N(int64(jitter))))
	}
	require.NoError(r.t, r.kill(trigger))
}

// disarm withdraws the armed trigger; false means it fired already.
func (r *crashRig) disarm() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.armed == "" {
		return false
	}
	r.armed = ""
	return true
}

// stopDaemon stops the current process with SIGTERM, as systemd would, and
// checks it exits 0.
func (r *crashRig) stopDaemon() {
	r.t.Helper()
	r.readMetrics()
	r.mu.Lock()
	p := r.cur
	r.mu.Unlock()
	require.NoError(r.t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		r.t.Fatalf("cluebot run did not stop within 20s of SIGTERM")
	}
	require.NoError(r.t, p.waitErr, "clean stop exits 0; stderr tail:\n%s", tail(p.stderr.String(), 2000))
}

// readMetrics keeps the current process's /metrics page for the secrets check.
func (r *crashRig) readMetrics() {
	r.mu.Lock()
	p := r.cur
	r.mu.Unlock()
	addr := p.stderr.metricsAddr()
	if addr == "" {
		return
	}
	c := &http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get("http://" + addr + "/metrics")
	if err != nil {
		return
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	r.mu.Lock()
	r.metrics = append(r.metrics, b.String())
	r.mu.Unlock()
}

// refreshTokens returns the simulator's current refresh token of each account.
func (r *crashRig) refreshTokens() map[int64]string {
	m := map[int64]string{}
	for _, adv := range r.accounts {
		_, m[adv], _ = r.ks.Tokens(adv)
	}
	return m
}

// collectTokens adds the simulator's current tokens to the secrets.
func (r *crashRig) collectTokens() {
	for _, adv := range r.accounts {
		access, refresh, _ := r.ks.Tokens(adv)
		r.mu.Lock()
		r.secrets[access], r.secrets[refresh] = true, true
		r.mu.Unlock()
	}
}

// ksGate sits in front of the Kuaishou simulator: it counts refresh calls
// in progress (kill waits for none), refuses those of a killed process that
// arrive late, collects every rotated token and fires "pull" kills.
type ksGate struct {
	r    *crashRig
	next http.Handler
}

func (g *ksGate) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r := g.r
	switch req.URL.Path {
	case sim.RefreshPath:
		r.mu.Lock()
		if r.down {
			r.mu.Unlock()
			http.Error(w, "the caller was killed", http.StatusServiceUnavailable)
			return
		}
		r.refreshing++
		r.mu.Unlock()
		before := r.refreshTokens()
		g.next.ServeHTTP(w, req)
		after := r.refreshTokens()
		r.collectTokens()
		r.mu.Lock()
		for adv, tok := range after {
			if tok != before[adv] {
				r.unsaved[adv] = tok
			}
		}
		r.refreshing--
		r.mu.Unlock()
		return
	case sim.ListPath:
		r.event("pull")
	}
	g.next.ServeHTTP(w, req)
}

// robotGate sits in front of the robots. With an "accept" kill armed, it
// kills cluebot once a robot has accepted a message and before the answer
// leaves: the send-then-crash instant, which must cost one duplicate at most.
type robotGate struct {
	r    *crashRig
	next http.Handler
}

func (g *robotGate) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r := g.r
	r.mu.Lock()
	sender := r.cur.n // a killed process's last request may arrive after its death
	r.mu.Unlock()
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	rec := httptest.NewRecorder()
	g.next.ServeHTTP(rec, req)
	if rec.Code == http.StatusOK && accepted(rec.Body.Bytes()) {
		key := robotOf(req) + "\x00" + string(body)
		r.mu.Lock()
		r.senders[key] = append(r.senders[key], sender)
		r.mu.Unlock()
		if r.event("accept") {
			if err := r.kill("accept"); err != nil {
				r.t.Errorf("kill: %v", err)
			}
		}
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// robotOf returns the robot id a request is for: DingTalk's access_token,
// WeCom's key or Feishu's hook id.
func robotOf(req *http.Request) string {
	q := req.URL.Query()
	if id := cmp.Or(q.Get("access_token"), q.Get("key")); id != "" {
		return id
	}
	return path.Base(req.URL.Path)
}

// accepted reports whether a robot's answer body accepts the message.
func accepted(body []byte) bool {
	var a struct {
		ErrCode *int `json:"errcode"`
		Code    *int `json:"code"`
	}
	if json.Unmarshal(body, &a) != nil {
		return false
	}
	return a.ErrCode != nil && *a.ErrCode == 0 || a.Code != nil && *a.Code == 0
}

// logSink keeps a process's output and hands each complete line to onLine.
type logSink struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	partial []byte
	last    []string // the last lines, newest last
	onLine  func(line string)
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	s.buf.Write(p)
	s.partial = append(s.partial, p...)
	var lines []string
	for {
		i := bytes.IndexByte(s.partial, '\n')
		if i < 0 {
			break
		}
		lines = append(lines, string(s.partial[:i]))
		s.partial = s.partial[i+1:]
	}
	s.last = append(s.last, lines...)
	if len(s.last) > 8 {
		s.last = s.last[len(s.last)-8:]
	}
	s.mu.Unlock()
	if s.onLine != nil {
		for _, l := range lines {
			s.onLine(l)
		}
	}
	return len(p), nil
}

// String returns everything written.
func (s *logSink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// lastMessages returns the "msg" of the last n JSON log lines, oldest first.
func (s *logSink) lastMessages(n int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, l := range s.last[max(0, len(s.last)-n):] {
		var rec struct {
			Msg string `json:"msg"`
		}
		if json.Unmarshal([]byte(l), &rec) == nil {
			out = append(out, rec.Msg)
		} else {
			out = append(out, tail(l, 60))
		}
	}
	return out
}

var metricsAddrRE = regexp.MustCompile(`"msg":"serving /healthz, /readyz and /metrics","addr":"([^"]+)"`)

// metricsAddr is where the process serves /metrics, once it said so.
func (s *logSink) metricsAddr() string {
	if m := metricsAddrRE.FindStringSubmatch(s.String()); m != nil {
		return m[1]
	}
	return ""
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
