package main

import (
	"database/sql"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/sim/robots"
)

// The follow-up trial's people, receivers and times: within and
// escalate.after are seconds, so the trial takes well under a minute.
const (
	fuLeads     = 60
	fuWithin    = 8 * time.Second
	fuEscalate  = 16 * time.Second
	fuSalesHook = "fu-sales-hook"
	fuMgrHook   = "fu-managers-hook"
	fuAdv       = int64(50000001)
)

// fuPeople are the route's round-robin list: name -> Feishu open_id, which
// the reminder @'s.
var fuPeople = map[string]string{"张三": "ou_zhangsan0001", "李四": "ou_lisi0002"}

// fuRules sends every lead to the sales group, @ the two people in turn,
// asks for a follow-up within fuWithin and escalates to the managers after
// fuEscalate, around the clock.
var fuRules = fmt.Sprintf(`routes:
  - name: 销售
    receivers: [sales]
    mention:
      round_robin:
        - {name: 张三, mobile: "13800000001", feishu_open_id: %s}
        - {name: 李四, mobile: "13800000002", feishu_open_id: %s}
    followup:
      within: %s
      remind: true
      escalate: {after: %s, receivers: [managers]}
      business_hours: false
`, fuPeople["张三"], fuPeople["李四"], fuWithin, fuEscalate)

// fuTagRE finds the leads a message names: each submitter is 客户NNNN号.
var fuTagRE = regexp.MustCompile(`客户(\d{4})号`)

// fuLead is one lead of the trial.
type fuLead struct {
	tag    string
	id     string
	called bool      // the sales call it as soon as its alert is seen
	alert  time.Time // when its alert was first seen at the sales group
	worked time.Time // when the simulated sales called it
}

// fuRig is the Kuaishou simulator with one account, a Feishu sales group and
// a Feishu managers group, the config a new user would write, and one
// `cluebot run` process at a time.
type fuRig struct {
	t       *testing.T
	dir     string
	cfgPath string
	ks      *sim.Server
	rb      *robots.Server
	env     []string
	byTag   map[string]*fuLead
	leads   []*fuLead
	start   time.Time

	db       *sql.DB              // the store, read-only, once it exists
	doneSeen map[string]time.Time // tag -> when its timer was first seen done

	mu     sync.Mutex
	cmd    *exec.Cmd
	stderr *logSink
	done   chan struct{}
	seen   int // sales messages already looked at
}

// newFuRig serves the simulators, writes cluebot.yaml and rules.yaml, and
// adds fuLeads fresh leads (created in the last 20 seconds, not worked on:
// phone_stat 0, schedule 新线索, intention 未标记), every other pair of which
// the sales will call.
func newFuRig(t *testing.T) *fuRig {
	t.Helper()
	r := &fuRig{t: t, dir: t.TempDir(), byTag: map[string]*fuLead{}, doneSeen: map[string]time.Time{}, start: time.Now()}
	r.cfgPath = filepath.Join(r.dir, "cluebot.yaml")
	r.ks = sim.New(sim.Options{AppID: 77, Secret: testAppSecret, Seed: 17})
	r.rb = robots.New(robots.Options{})
	ks := httptest.NewServer(r.ks)
	t.Cleanup(ks.Close)
	rb := httptest.NewServer(r.rb)
	t.Cleanup(rb.Close)
	r.ks.AddAccount(fuAdv, "fu-access-token-x1", "fu-refresh-token-x1")
	cfg := fmt.Sprintf(`timezone: Asia/Shanghai
store:
  dsn: data/cluebot.db
kuaishou:
  base_url: %s
  app_id: 77
  secret: ${KS_APP_SECRET}
  page_size: 100
  poll_interval: 1s
  lookback: 1m
  qps: 0
  timeout: 2s
  retry_backoff: 5ms
  retry_max: 40ms
  accounts:
    - {advertiser_id: %d, name: 郑州店, access_token: fu-access-token-x1, refresh_token: fu-refresh-token-x1}
receivers:
  sales: {type: feishu, url: "%s%s"}
  managers: {type: feishu, url: "%s%s"}
rules: rules.yaml
report:
  out_dir: reports
http:
  listen: 127.0.0.1:0
log:
  format: json
alerts:
  lease: 3s
  retry_backoff: 200ms
  retry_max: 2s
`, ks.URL, fuAdv, rb.URL, r.rb.AddFeishu(fuSalesHook, "", ""), rb.URL, r.rb.AddFeishu(fuMgrHook, "", ""))
	require.NoError(t, os.WriteFile(r.cfgPath, []byte(cfg), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(r.dir, "rules.yaml"), []byte(fuRules), 0o600))
	r.env = childEnviron("KS_APP_SECRET=" + testAppSecret)
	code, _, errs := runChild(t, r.dir, r.env, withConfig(r.cfgPath, "config", "check"))
	require.Equal(t, 0, code, errs)

	gen := sim.New(sim.Options{Seed: 18})
	now := time.Now().Truncate(time.Second)
	for i := 0; i < fuLeads; i++ {
		id := gen.Generate(fuAdv, 1, now.Add(-20*time.Second), now)[0]
		rec, ok := gen.Get(id)
		require.True(t, ok)
		l := &fuLead{tag: fmt.Sprintf("%04d", i+1), id: id, called: i%4 < 2}
		rec["user_name"] = "客户" + l.tag + "号"
		rec["phone_stat"], rec["intention_id"] = 0, 0
		rec["schedule"] = map[string]any{"schedule_id": 0, "schedule_desc": "新线索"}
		r.ks.Add(fuAdv, rec)
		r.leads = append(r.leads, l)
		r.byTag[l.tag] = l
	}
	return r
}

// startDaemon starts `cluebot run` as a new process.
func (r *fuRig) startDaemon() {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stderr, r.done = &logSink{}, make(chan struct{})
	r.cmd = exec.Command(os.Args[0], "run", "-c", r.cfgPath)
	r.cmd.Dir, r.cmd.Env, r.cmd.Stderr = r.dir, r.env, r.stderr
	require.NoError(r.t, r.cmd.Start())
	cmd, done := r.cmd, r.done
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
}

// kill kills the daemon with SIGKILL and waits for it to die.
func (r *fuRig) kill() {
	r.t.Helper()
	r.mu.Lock()
	cmd, done := r.cmd, r.done
	r.mu.Unlock()
	require.NoError(r.t, cmd.Process.Kill())
	<-done
}

// stopDaemon stops the daemon with SIGTERM and checks it exits 0.
func (r *fuRig) stopDaemon() {
	r.t.Helper()
	r.mu.Lock()
	cmd, done, stderr := r.cmd, r.done, r.stderr
	r.mu.Unlock()
	require.NoError(r.t, cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		r.t.Fatalf("cluebot run did not stop within 20s of SIGTERM")
	}
	require.Zero(r.t, cmd.ProcessState.ExitCode(), "clean stop exits 0; stderr tail:\n%s", tail(stderr.String(), 2000))
}

// since is the time since the rig started, for logs.
func (r *fuRig) since() time.Duration { return time.Since(r.start).Round(time.Millisecond) }
