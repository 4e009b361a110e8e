package main

import (
	"archive/zip"
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

// openReadOnly opens the store's SQLite file read-only, the way a second
// process (an export, an operator's sqlite3) would.
func openReadOnly(path string) (*sql.DB, error) {
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(5000)")
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: q.Encode()}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// storeFigures is what checkStore counted.
type storeFigures struct {
	clues, routed, pending, sent, dead int
}

// checkStore checks, with no cluebot process running, that the store is
// consistent:
//
//   - PRAGMA integrity_check is ok and no foreign key dangles;
//   - each account's sync point (sync_state.synced_to) lies past no clue
//     missing from the store: every clue of the account the simulator
//     created before it is stored (a clue created in the same second as
//     the sync point may legitimately wait for the next pull);
//   - every stored clue is one the rig added;
//   - a routed clue (routed_at set) has exactly the routes rigRules give it,
//     in order, and one outbox row per (route, receiver) of them: routing and
//     enqueueing are one transaction; an unrouted clue has no routes and no
//     outbox rows;
//   - each clue's outbox counters (kept by triggers) equal its rows by state,
//     a sent row has its sent_at and counts an attempt;
//   - each account's stored token pair is the simulator's current one, so
//     the next process can refresh.
func (r *crashRig) checkStore(t *testing.T) storeFigures {
	t.Helper()
	var f storeFigures
	if _, err := os.Stat(r.dbPath); os.IsNotExist(err) {
		return f // killed before it created the store
	}
	db, err := openReadOnly(r.dbPath)
	require.NoError(t, err)
	defer db.Close()
	var ok string
	require.NoError(t, db.QueryRow(`PRAGMA integrity_check`).Scan(&ok))
	require.Equal(t, "ok", ok, "integrity_check")
	rows, err := db.Query(`PRAGMA foreign_key_check`)
	require.NoError(t, err)
	require.False(t, rows.Next(), "foreign_key_check finds dangling rows")
	require.NoError(t, rows.Close())
	// Each migration is one transaction, and cluebot pulls nothing before
	// the last one: a store killed while migrating is at some version and
	// holds no clue.
	var version int
	if err := db.QueryRow(`SELECT version FROM schema_version`).Scan(&version); err != nil || version < 2 {
		var clues int
		if db.QueryRow(`SELECT count(*) FROM clues`).Scan(&clues) == nil {
			require.Zero(t, clues, "a store still migrating holds no clue")
		}
		return f
	}

	type stored struct {
		routedAt                  int64
		routes                    sql.NullString
		adv                       int64
		sentN, pendingN, deadN    int
		gotSent, gotPend, gotDead int
		pairs                     []string
	}
	clues := map[string]*stored{}
	rows, err = db.Query(`SELECT id, advertiser_id, routed_at, routes, outbox_sent, outbox_pending, outbox_dead FROM clues`)
	require.NoError(t, err)
	for rows.Next() {
		var id string
		c := &stored{}
		require.NoError(t, rows.Scan(&id, &c.adv, &c.routedAt, &c.routes, &c.sentN, &c.pendingN, &c.deadN))
		clues[id] = c
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())

	rows, err = db.Query(`SELECT clue_id, route, receiver, state, sent_at, attempts FROM outbox`)
	require.NoError(t, err)
	for rows.Next() {
		var id, rt, rcv, state string
		var sentAt int64
		var attempts int
		require.NoError(t, rows.Scan(&id, &rt, &rcv, &state, &sentAt, &attempts))
		c := clues[id]
		require.NotNil(t, c, "outbox row of clue %s that is not stored", id)
		c.pairs = append(c.pairs, rt+"→"+rcv)
		switch state {
		case "sent":
			c.gotSent++
			f.sent++
			require.Positive(t, sentAt, "sent row %s/%s/%s has its sent_at", id, rt, rcv)
			require.Positive(t, attempts, "sent row %s/%s/%s counts its attempt", id, rt, rcv)
		case "pending":
			c.gotPend++
			f.pending++
		case "dead":
			c.gotDead++
			f.dead++
		}
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())

	byID := map[string]*lead{}
	for _, l := range r.snapshot() {
		byID[l.id] = l
	}
	for id, c := range clues {
		f.clues++
		l := byID[id]
		require.NotNil(t, l, "stored clue %s was never added to the simulator", id)
		require.Equal(t, []int{c.gotSent, c.gotPend, c.gotDead}, []int{c.sentN, c.pendingN, c.deadN},
			"clue %s: outbox counters (sent, pending, dead) match its rows", id)
		if c.routedAt == 0 {
			require.False(t, c.routes.Valid, "unrouted clue %s has no routes", id)
			require.Empty(t, c.pairs, "unrouted clue %s has no outbox rows", id)
			continue
		}
		f.routed++
		require.True(t, c.routes.Valid, "routed clue %s names its routes", id)
		require.Equal(t, l.routes, strings.Split(c.routes.String, "\x1f"), "routes of clue %s (客户%s号)", id, l.tag)
		var want []string
		for _, rt := range l.routes {
			for _, rcv := range l.receivers[rt] {
				want = append(want, rt+"→"+rcv)
			}
		}
		sort.Strings(want)
		sort.Strings(c.pairs)
		require.Equal(t, want, c.pairs, "routed clue %s has one outbox row per (route, receiver)", id)
	}

	syncedTo := map[int64]int64{}
	rows, err = db.Query(`SELECT advertiser_id, synced_to FROM sync_state`)
	require.NoError(t, err)
	for rows.Next() {
		var adv, to int64
		require.NoError(t, rows.Scan(&adv, &to))
		syncedTo[adv] = to
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	for _, l := range r.snapshot() {
		if to, ok := syncedTo[l.adv]; ok && l.created.UnixMilli() < to {
			require.Contains(t, clues, l.id, "account %d is synced to %s, past clue %s (客户%s号) created %s, which is not stored",
				l.adv, time.UnixMilli(to).Format(time.TimeOnly), l.id, l.tag, l.created.Format(time.TimeOnly))
		}
	}
	r.mu.Lock()
	saved := r.tokensSaved()
	r.mu.Unlock()
	require.True(t, saved, "the stored token pairs are the simulator's current ones")
	return f
}

// checkFinal checks, after the last clean stop, that every lead was stored,
// routed and its every alert sent, and that the store file is private.
func (r *crashRig) checkFinal(t *testing.T) storeFigures {
	t.Helper()
	f := r.checkStore(t)
	leads := r.snapshot()
	require.Equal(t, len(leads), f.clues, "every lead is stored")
	require.Equal(t, f.clues, f.routed, "every lead is routed")
	require.Zero(t, f.pending, "no alert is left pending")
	require.Zero(t, f.dead, "no alert was parked: the faults were all transient")
	for path, mode := range map[string]os.FileMode{filepath.Dir(r.dbPath): 0o700, r.dbPath: 0o600,
		r.dbPath + "-wal": 0o600, r.dbPath + "-shm": 0o600} {
		fi, err := os.Stat(path)
		if os.IsNotExist(err) && path != r.dbPath && path != filepath.Dir(r.dbPath) {
			continue
		}
		require.NoError(t, err)
		require.Equal(t, mode, fi.Mode().Perm(), "mode of %s", path)
	}
	return f
}

// leadTag finds the leads a message carries by their submitters' names.
var leadTag = regexp.MustCompile(`客户(\d{4})号`)

// deliveryFigures is what the robots received.
type deliveryFigures struct {
	messages map[string]int // accepted messages per robot
	dupMsgs  map[string]int // duplicate messages per robot: see deliveries
	resends  map[string]int // messages carrying at least one lead again, per robot
	dupLeads map[string]int // lead deliveries beyond the first, per robot
	dups     []duplicate
	unknown  int // messages whose sender the robot gate has not recorded yet
}

// duplicate is one message whose leads, some or all, a robot got again.
type duplicate struct {
	robot       string
	sender      int       // the process that sent the message, 0 if not known yet
	tags        []string  // the leads it got again
	first, sent time.Time // when the robot accepted the message, and the first of its leads again
}

// deliveries reads every message the robots accepted and counts the
// duplicates. A duplicate is an accepted message some of whose leads the
// robot gets again later: each counts once, however many of its leads come
// again and in how many messages (a digest resent after a crash may come
// back split, or merged with new leads, as digest sizes are learned per
// process). That is what a kill can cost: the one message a robot took and
// the killed process could not mark sent. resends counts the messages that
// carry leads again, and dupLeads the repeated lead deliveries. missing
// lists the (robot, lead) pairs still to come; unexpected ones fail the test.
func (r *crashRig) deliveries(t *testing.T) (fig deliveryFigures, missing []string) {
	t.Helper()
	fig = deliveryFigures{messages: map[string]int{}, dupMsgs: map[string]int{}, resends: map[string]int{},
		dupLeads: map[string]int{}}
	byTag := map[string]*lead{}
	for _, l := range r.snapshot() {
		byTag[l.tag] = l
	}
	r.mu.Lock()
	senders := map[string][]int{}
	for k, v := range r.senders {
		senders[k] = slices.Clone(v)
	}
	r.mu.Unlock()
	for rcv, robot := range r.robotIDs {
		msgs := r.rb.Messages(robot)
		tags := make([][]string, len(msgs)) // the leads of each message
		sentBy := make([]int, len(msgs))    // the process that sent each message
		seen := map[string]bool{}
		for i, m := range msgs {
			fig.messages[rcv]++
			key := robot + "\x00" + string(m.Raw)
			if len(senders[key]) == 0 { // its answer is still on its way
				fig.unknown++
				senders[key] = []int{0}
			}
			sentBy[i], senders[key] = senders[key][0], senders[key][1:]
			in := map[string]bool{}
			for _, s := range strs(m.Body) {
				for _, mt := range leadTag.FindAllStringSubmatch(s, -1) {
					in[mt[1]] = true
				}
			}
			require.NotEmpty(t, in, "a %s message names its leads: %s", rcv, m.Raw)
			tags[i] = slices.Sorted(maps.Keys(in))
			resend := false
			for _, tag := range tags[i] {
				l := byTag[tag]
				require.NotNil(t, l, "%s got unknown lead 客户%s号", rcv, tag)
				require.Contains(t, l.robotsOf(), rcv, "%s got lead 客户%s号 (source_type %d, clue_tag %d), routed to %v",
					rcv, tag, l.sourceType, l.clueTag, l.robotsOf())
				if seen[tag] {
					resend = true
					fig.dupLeads[rcv]++
				}
				seen[tag] = true
			}
			if resend {
				fig.resends[rcv]++
			}
		}
		for _, l := range resentLater(tags) {
			fig.dupMsgs[rcv]++
			fig.dups = append(fig.dups, duplicate{robot: rcv, sender: sentBy[l.msg], tags: l.tags,
				first: msgs[l.msg].Time, sent: msgs[l.again].Time})
		}
		for _, l := range byTag {
			if slices.Contains(l.robotsOf(), rcv) && !seen[l.tag] {
				missing = append(missing, rcv+"/客户"+l.tag+"号")
			}
		}
	}
	sort.Strings(missing)
	return fig, missing
}

// resent is a message some of whose leads a later message carries again.
type resent struct {
	msg   int      // the message
	tags  []string // its leads that came again
	again int      // the first message that carried one of them again
}

// resentLater finds, among messages given by the leads each carries in the
// order a robot accepted them, those some of whose leads come again later:
// the duplicate messages.
func resentLater(tags [][]string) []resent {
	var out []resent
	for i := range tags {
		d := resent{msg: i, again: -1}
		for j := i + 1; j < len(tags); j++ {
			for _, tag := range tags[i] {
				if slices.Contains(tags[j], tag) && !slices.Contains(d.tags, tag) {
					d.tags = append(d.tags, tag)
					if d.again < 0 {
						d.again = j
					}
				}
			}
		}
		if d.again >= 0 {
			out = append(out, d)
		}
	}
	return out
}

// strs collects every string inside a decoded JSON value.
func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case map[string]any:
		var out []string
		for _, e := range v {
			out = append(out, strs(e)...)
		}
		return out
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, strs(e)...)
		}
		return out
	}
	return nil
}

// waitDelivered waits until every lead is at each of its robots and the
// store has every lead routed and no alert left to send (a message sent by
// a killed process before it could mark it is sent again).
func (r *crashRig) waitDelivered(t *testing.T, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		_, missing := r.deliveries(t)
		if len(missing) == 0 && r.drained(len(r.snapshot())) {
			return
		}
		if time.Now().After(deadline) {
			r.mu.Lock()
			p := r.cur
			r.mu.Unlock()
			t.Fatalf("after %s, %d alerts never arrived: %v\noutbox:\n%s\nlast log lines:\n%s", timeout, len(missing),
				missing[:min(len(missing), 20)], r.outboxDump(), tail(p.stderr.String(), 3000))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// outputs returns everything the run wrote or sent, by name: each process's
// stdout and stderr, every body the robots received (accepted or refused),
// every /metrics page read, and every file under reports/ (xlsx unzipped)
// and the export.
func (r *crashRig) outputs(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	r.mu.Lock()
	for _, p := range r.procs {
		out[fmt.Sprintf("process %d stdout", p.n)] = p.stdout.String()
		out[fmt.Sprintf("process %d stderr", p.n)] = p.stderr.String()
	}
	for i, m := range r.metrics {
		out[fmt.Sprintf("/metrics page %d", i+1)] = m
	}
	for i, c := range r.commands {
		out[fmt.Sprintf("command %d", i+1)] = c
	}
	r.mu.Unlock()
	for i, m := range r.rb.All() {
		out[fmt.Sprintf("robot message %d (%s)", i+1, m.Platform)] = string(m.Raw)
	}
	for i, m := range r.rb.Refusals() {
		out[fmt.Sprintf("refused robot request %d (%s)", i+1, m.Platform)] = string(m.Raw)
	}
	err := filepath.WalkDir(r.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Dir(path) == filepath.Dir(r.dbPath) ||
			path == r.cfgPath || strings.HasSuffix(path, "rules.yaml") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(r.dir, path)
		if !strings.HasSuffix(path, ".xlsx") {
			out["file "+rel] = string(data)
			return nil
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return err
		}
		for _, zf := range zr.File {
			rc, err := zf.Open()
			if err != nil {
				return err
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return err
			}
			out["file "+rel+":"+zf.Name] = string(b)
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

// checkNoSecrets asserts no output holds the app secret, any access or
// refresh token the simulator ever issued, a robot's key or token, or a
// signing secret. It returns how many secrets and bytes it looked at.
func (r *crashRig) checkNoSecrets(t *testing.T, outputs map[string]string) (nSecrets, size int) {
	t.Helper()
	r.collectTokens()
	r.mu.Lock()
	secrets := make([]string, 0, len(r.secrets))
	for s := range r.secrets {
		secrets = append(secrets, s)
	}
	r.mu.Unlock()
	sort.Strings(secrets)
	for name, text := range outputs {
		size += len(text)
		for _, s := range secrets {
			if i := strings.Index(text, s); i >= 0 {
				t.Errorf("%s holds a secret: …%s…", name, text[max(0, i-120):min(len(text), i+len(s)+40)])
			}
		}
	}
	return len(secrets), size
}

// drained reports whether the store holds n clues, all routed, and no
// pending alert.
func (r *crashRig) drained(n int) bool {
	db, err := openReadOnly(r.dbPath)
	if err != nil {
		return false
	}
	defer db.Close()
	var clues, unrouted, pending int
	err = db.QueryRow(`SELECT (SELECT count(*) FROM clues), (SELECT count(*) FROM clues WHERE routed_at = 0),
		(SELECT count(*) FROM outbox WHERE state = 'pending')`).Scan(&clues, &unrouted, &pending)
	return err == nil && clues == n && unrouted == 0 && pending == 0
}

// outboxDump describes the alerts not sent yet and the robots' pauses, for
// a failure message.
func (r *crashRig) outboxDump() string {
	db, err := openReadOnly(r.dbPath)
	if err != nil {
		return err.Error()
	}
	defer db.Close()
	var b strings.Builder
	now := time.Now().UnixMilli()
	rows, err := db.Query(`SELECT receiver, state, attempts, next_at, lease_owner, lease_until, last_error, count(*)
		FROM outbox WHERE state != 'sent' GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 4`)
	if err != nil {
		return err.Error()
	}
	for rows.Next() {
		var rcv, state, owner, lastErr string
		var attempts, n int
		var next, until int64
		_ = rows.Scan(&rcv, &state, &attempts, &next, &owner, &until, &lastErr, &n)
		fmt.Fprintf(&b, "  %d × %s %s attempts=%d due in %s lease %q for %s more; %s\n", n, rcv, state, attempts,
			time.Duration(next-now)*time.Millisecond, owner, time.Duration(max(0, until-now))*time.Millisecond, tail(lastErr, 100))
	}
	rows.Close()
	rows, err = db.Query(`SELECT receiver, until FROM receiver_pause`)
	if err != nil {
		return err.Error()
	}
	for rows.Next() {
		var rcv string
		var until int64
		_ = rows.Scan(&rcv, &until)
		fmt.Fprintf(&b, "  %s paused for %s more\n", rcv, time.Duration(until-now)*time.Millisecond)
	}
	rows.Close()
	return b.String()
}
