package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/sim/robots"
)

// crashSeed replays a crash test: go test -run Crash -crash.seed=N.
var crashSeed = flag.Int64("crash.seed", 0, "seed of the crash tests' kills, leads and faults (0: from the clock)")

// Distinctive secrets of the crash rig: none may appear in any output.
const (
	rigAppSecret  = "ks-app-secret-Q7vX2pLw9Jd"
	rigDingToken  = "dingtok-H6sJ3qR0aZ"
	rigDingSecret = "SECding-sign-P9zL4xU1cE"
	rigWeComKey   = "wecomkey-B3nV7cY5tG"
	rigFeishuHook = "feishuhook-T5yR1mO8wN"
	rigFeishuSign = "feishu-sign-W8kD2fI6hS"
)

// rigFixedSecrets are the secrets besides the accounts' tokens.
var rigFixedSecrets = []string{rigAppSecret, rigDingToken, rigDingSecret, rigWeComKey, rigFeishuHook, rigFeishuSign}

// rigRules routes by source type to one robot per platform; 新增 (clue_tag
// 1) leads that are not consultations also go to Feishu, through continue.
const rigRules = `routes:
  - name: vip
    match: {clue_tag: 1}
    not: {source_type: 3}
    receivers: [feishu]
    continue: true
  - name: forms
    match: {source_type: 1}
    receivers: [ding]
    mention:
      round_robin:
        - {name: 张三, mobile: "13800000001"}
        - {name: 李四, mobile: "13800000002"}
  - name: calls
    match: {source_type: 2}
    receivers: [wecom]
  - name: consult
    receivers: [feishu]
`

// rigOptions tune a crashRig.
type rigOptions struct {
	ksFaults    sim.FaultConfig
	robotFaults float64
	// expireAt lists the clue-list calls after which one account's access
	// token expires (the accounts take turns).
	expireAt []int
	// alerts is the config's alerts: section, indented.
	alerts string
}

// lead is one clue the rig added to the Kuaishou simulator, with where
// rigRules must send it.
type lead struct {
	tag        string // the 4 digits of its submitter's name, 客户NNNN号
	id         string
	adv        int64
	created    time.Time
	sourceType int64
	clueTag    int64
	routes     []string            // in rule order
	receivers  map[string][]string // route -> receivers
}

// robotsOf returns every robot the lead must reach.
func (l *lead) robotsOf() []string {
	var out []string
	for _, rt := range l.routes {
		out = append(out, l.receivers[rt]...)
	}
	return out
}

// expectRouting is rigRules applied by hand.
func expectRouting(sourceType, clueTag int64) ([]string, map[string][]string) {
	routes, rcv := []string{}, map[string][]string{}
	if clueTag == 1 && sourceType != 3 {
		routes, rcv["vip"] = append(routes, "vip"), []string{"feishu"}
	}
	switch sourceType {
	case 1:
		routes, rcv["forms"] = append(routes, "forms"), []string{"ding"}
	case 2:
		routes, rcv["calls"] = append(routes, "calls"), []string{"wecom"}
	default:
		routes, rcv["consult"] = append(routes, "consult"), []string{"feishu"}
	}
	return routes, rcv
}

// crashRig is the Kuaishou simulator and three robots, a config pointing at
// them, and one `cluebot run` process at a time that the test kills with
// SIGKILL and restarts.
type crashRig struct {
	t        *testing.T
	seed     int64
	start    time.Time
	dir      string
	cfgPath  string
	dbPath   string
	ks       *sim.Server
	gen      *sim.Server // draws realistic records, copied into ks with a tag
	rb       *robots.Server
	robotIDs map[string]string // receiver -> robot token, key or hook id
	accounts []int64
	// cfgRefresh is each account's refresh token in the config.
	cfgRefresh map[int64]string
	env        []string

	mu         sync.Mutex // guards the fields below
	secrets    map[string]bool
	leads      []*lead
	cur        *proc
	procs      []*proc
	down       bool             // the current process was killed; not restarted yet
	refreshing int              // token refresh calls inside the simulator
	unsaved    map[int64]string // refresh tokens the simulator issued, not yet seen stored
	armed      string
	fire       chan struct{}
	kills      []killRecord
	metrics    []string         // /metrics pages read
	commands   []string         // the output of the other commands run
	senders    map[string][]int // robot and body of each accepted message -> the processes that sent it, in order
	listCalls  int
	expiries   []expiry // the access tokens the rig expired, in order
}

// expiry is an access token the rig expired; it is recovered once a later
// clue-list call of its account is authorized with another token, which
// only a refresh can have issued.
type expiry struct {
	adv       int64
	token     string
	at        int // the rig's list-call count when it expired
	recovered bool
}

// newCrashRig serves the simulators and writes cluebot.yaml and rules.yaml
// into a new folder.
func newCrashRig(t *testing.T, opts rigOptions) *crashRig {
	t.Helper()
	seed := *crashSeed
	if seed == 0 {
		seed = time.Now().UnixNano() % 1e9
	}
	t.Logf("seed %d (replay with -crash.seed=%d)", seed, seed)
	r := &crashRig{t: t, seed: seed, start: time.Now(), dir: t.TempDir(), robotIDs: map[string]string{},
		secrets: map[string]bool{}, cfgRefresh: map[int64]string{}, unsaved: map[int64]string{},
		senders: map[string][]int{}}
	r.cfgPath = filepath.Join(r.dir, "cluebot.yaml")
	r.dbPath = filepath.Join(r.dir, "data", "cluebot.db")
	opts.ksFaults.Kinds = slices.Clone(opts.ksFaults.Kinds)
	r.ks = sim.New(sim.Options{AppID: 77, Secret: rigAppSecret, Seed: seed, Faults: opts.ksFaults})
	r.gen = sim.New(sim.Options{Seed: seed + 1})
	r.rb = robots.New(robots.Options{FaultRate: opts.robotFaults, Seed: uint64(seed), SlowDelay: 800 * time.Millisecond})
	ks := httptest.NewServer(&ksGate{r: r, next: r.ks})
	t.Cleanup(ks.Close)
	rb := httptest.NewServer(&robotGate{r: r, next: r.rb})
	t.Cleanup(rb.Close)
	r.ks.OnList(func(req sim.ListRequest, _ int) {
		r.mu.Lock()
		r.listCalls++
		n := r.listCalls
		for i := range r.expiries {
			if e := &r.expiries[i]; e.adv == req.AdvertiserID && e.token != req.AccessToken {
				e.recovered = true
			}
		}
		r.mu.Unlock()
		for i, at := range opts.expireAt {
			if n == at {
				r.expire(r.accounts[i%len(r.accounts)])
			}
		}
	})
	for _, s := range rigFixedSecrets {
		r.secrets[s] = true
	}

	var b strings.Builder
	fmt.Fprintf(&b, `timezone: Asia/Shanghai
store:
  dsn: data/cluebot.db
kuaishou:
  base_url: %s
  app_id: 77
  secret: ${KS_APP_SECRET}
  page_size: 20
  poll_interval: 1s
  lookback: 1m
  qps: 0
  timeout: 500ms
  retries: 8
  retry_backoff: 5ms
  retry_max: 40ms
  accounts:
`, ks.URL)
	for i := 0; i < 3; i++ {
		id := int64(40000001 + i)
		access, refresh := fmt.Sprintf("ks-access-%d-N4rT8e", id), fmt.Sprintf("ks-refresh-%d-M2wK5u", id)
		r.ks.AddAccount(id, access, refresh)
		r.accounts = append(r.accounts, id)
		r.cfgRefresh[id] = refresh
		r.secrets[access], r.secrets[refresh] = true, true
		fmt.Fprintf(&b, "    - {advertiser_id: %d, name: 账户%d, access_token: %s, refresh_token: %s}\n", id, i+1, access, refresh)
	}
	r.robotIDs = map[string]string{"ding": rigDingToken, "wecom": rigWeComKey, "feishu": rigFeishuHook}
	fmt.Fprintf(&b, `receivers:
  ding: {type: dingtalk, url: "%s%s", secret: %s}
  wecom: {type: wecom, url: "%s%s"}
  feishu: {type: feishu, url: "%s%s", secret: %s}
rules: rules.yaml
report:
  out_dir: reports
http:
  listen: 127.0.0.1:0
log:
  level: debug
  format: json
alerts:
%s`, rb.URL, r.rb.Add(robots.DingTalk, rigDingToken, rigDingSecret, ""), rigDingSecret, rb.URL, r.rb.Add(robots.WeCom, rigWeComKey, "", ""),
		rb.URL, r.rb.Add(robots.Feishu, rigFeishuHook, rigFeishuSign, ""), rigFeishuSign, opts.alerts)
	require.NoError(t, os.WriteFile(r.cfgPath, []byte(b.String()), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(r.dir, "rules.yaml"), []byte(rigRules), 0o600))
	r.env = childEnviron("KS_APP_SECRET=" + rigAppSecret)
	code, _, errs := r.command("config", "check")
	require.Equal(t, 0, code, errs)
	return r
}

// command runs one cluebot command to its end as a separate process, as
// the daemon runs, and returns its exit code and output, which the secrets
// check also reads.
func (r *crashRig) command(args ...string) (int, string, string) {
	r.t.Helper()
	code, out, errs := runChild(r.t, r.dir, r.env, withConfig(r.cfgPath, args...))
	r.mu.Lock()
	r.commands = append(r.commands, strings.Join(args, " ")+"\n"+out+errs)
	r.mu.Unlock()
	return code, out, errs
}

// since is the time since the rig started, for logs.
func (r *crashRig) since() time.Duration { return time.Since(r.start).Round(time.Millisecond) }

// addLead copies a realistic clue of account adv created in [from, to) into
// the Kuaishou simulator, its submitter renamed 客户NNNN号 so that messages
// can be traced back to it, and records where it must go.
func (r *crashRig) addLead(adv int64, from, to time.Time) *lead {
	r.mu.Lock()
	defer r.mu.Unlock()
	id := r.gen.Generate(adv, 1, from, to)[0]
	rec, ok := r.gen.Get(id)
	if !ok {
		panic("generated clue not found")
	}
	l := &lead{tag: fmt.Sprintf("%04d", len(r.leads)+1), id: id, adv: adv}
	rec["user_name"] = "客户" + l.tag + "号"
	l.created, _ = time.ParseInLocation(sim.TimeLayout, rec["create_time"].(string), sim.VendorZone)
	l.sourceType, _ = rec["source_type"].(json.Number).Int64()
	l.clueTag, _ = rec["clue_tag"].(json.Number).Int64()
	l.routes, l.receivers = expectRouting(l.sourceType, l.clueTag)
	r.leads = append(r.leads, l)
	r.ks.Add(adv, rec)
	return l
}

// addPast adds n leads created over the past hour, before the daemon starts.
func (r *crashRig) addPast(n int) {
	now := time.Now()
	for i := 0; i < n; i++ {
		r.addLead(r.accounts[i%len(r.accounts)], now.Add(-time.Hour), now.Add(-time.Minute))
	}
}

// begin adds past leads, starts the daemon, and has arriving more leads
// come in over d while the test kills it; wait for them with the result.
func (r *crashRig) begin(past, arriving int, d time.Duration) *sync.WaitGroup {
	r.addPast(past)
	r.startDaemon()
	var arrivals sync.WaitGroup
	arrivals.Add(1)
	go func() {
		defer arrivals.Done()
		r.arrive(arriving, d)
	}()
	return &arrivals
}

// arrive adds n leads over d, at random moments, each created at the second
// it arrives, and returns when the last one is in.
func (r *crashRig) arrive(n int, d time.Duration) {
	rng := rand.New(rand.NewPCG(uint64(r.seed), 2))
	gaps := make([]float64, n)
	sum := 0.0
	for i := range gaps {
		gaps[i] = rng.ExpFloat64()
		sum += gaps[i]
	}
	for i := 0; i < n; i++ {
		time.Sleep(time.Duration(gaps[i] / sum * float64(d)))
		at := time.Now().Truncate(time.Second)
		r.addLead(r.accounts[rng.IntN(len(r.accounts))], at, at.Add(time.Second))
	}
}

// snapshot returns the leads added so far.
func (r *crashRig) snapshot() []*lead {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.leads)
}

// expire expires the account's access token and records it.
func (r *crashRig) expire(adv int64) {
	token, _, _ := r.ks.Tokens(adv)
	r.ks.ExpireAccessToken(adv)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.expiries = append(r.expiries, expiry{adv: adv, token: token, at: r.listCalls})
}

// expireUpTo expires the access tokens of the accounts in turn, after those
// expired so far, until n have been expired: on a loaded machine the daemon
// makes fewer list calls than the expireAt points assume. It returns how
// many it expired.
func (r *crashRig) expireUpTo(n int) int {
	r.mu.Lock()
	have := len(r.expiries)
	r.mu.Unlock()
	for i := have; i < n; i++ {
		r.expire(r.accounts[i%len(r.accounts)])
	}
	return max(n-have, 0)
}

// waitRecovered waits until every expired access token was followed by an
// authorized clue-list call of its account, and returns the number of
// distinct tokens expired.
func (r *crashRig) waitRecovered(t *testing.T, timeout time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		r.mu.Lock()
		var pending []string
		tokens := map[string]bool{}
		for _, e := range r.expiries {
			tokens[e.token] = true
			if !e.recovered {
				pending = append(pending, fmt.Sprintf("account %d (expired at list call %d)", e.adv, e.at))
			}
		}
		r.mu.Unlock()
		if len(pending) == 0 {
			return len(tokens)
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s, no list call succeeded again for %v: the expired tokens were not refreshed", timeout, pending)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
