package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/sim/robots"
)

// isFollowup reports whether a message is a reminder or an escalation (both
// titled …未跟进) rather than an alert or a digest of alerts.
func isFollowup(m robots.Received) bool { return strings.Contains(string(m.Raw), "未跟进") }

// tags returns the leads a message names, each once (a reminder names its
// lead in the title and the text).
func tags(m robots.Received) []string {
	var out []string
	for _, s := range fuTagRE.FindAllStringSubmatch(string(m.Raw), -1) {
		if !slices.Contains(out, s[1]) {
			out = append(out, s[1])
		}
	}
	return out
}

// watch plays the sales: each lead to be called is called (phone_stat 101
// at the vendor) as soon as its alert reaches the group. It returns the
// number of leads whose alert has been seen.
func (r *fuRig) watch() int {
	msgs := r.rb.Messages(fuSalesHook)
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range msgs[r.seen:] {
		if isFollowup(m) {
			continue
		}
		for _, tag := range tags(m) {
			l := r.byTag[tag]
			if l == nil || !l.alert.IsZero() {
				continue
			}
			l.alert = m.Time
			if l.called {
				// Within seconds: 0 to 1.6s after the alert is in the group.
				delay := time.Duration(atoi(r.t, l.tag)%5) * 400 * time.Millisecond
				time.AfterFunc(delay, func() {
					r.mu.Lock()
					defer r.mu.Unlock()
					if !r.ks.Work(l.id) {
						r.t.Errorf("the simulator does not know 客户%s号", l.tag)
					}
					l.worked = time.Now()
				})
			}
		}
	}
	r.seen = len(msgs)
	n := 0
	for _, l := range r.leads {
		if !l.alert.IsZero() {
			n++
		}
	}
	return n
}

// waitFor plays the sales until cond holds, failing after timeout.
func (r *fuRig) waitFor(what string, timeout time.Duration, cond func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		r.watch()
		r.sampleDone()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			r.mu.Lock()
			stderr := r.stderr
			r.mu.Unlock()
			r.t.Fatalf("%s: not within %s; daemon log tail:\n%s", what, timeout, tail(stderr.String(), 3000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// followups counts, per lead tag, the reminders at the sales group and the
// escalation entries at the managers' group.
func (r *fuRig) followups() (reminders, escalations map[string]int) {
	reminders, escalations = map[string]int{}, map[string]int{}
	for _, m := range r.rb.Messages(fuSalesHook) {
		if isFollowup(m) {
			for _, tag := range tags(m) {
				reminders[tag]++
			}
		}
	}
	for _, m := range r.rb.Messages(fuMgrHook) {
		for _, tag := range tags(m) {
			escalations[tag]++
		}
	}
	return reminders, escalations
}

// sampleDone notes when each lead's follow-up timer is first seen done in
// the store (read-only, as an operator's sqlite3 would).
func (r *fuRig) sampleDone() {
	if r.db == nil {
		path := filepath.Join(r.dir, "data", "cluebot.db")
		if _, err := os.Stat(path); err != nil {
			return
		}
		db, err := openReadOnly(path)
		require.NoError(r.t, err)
		r.t.Cleanup(func() { _ = db.Close() })
		r.db = db
	}
	rows, err := r.db.Query(`SELECT clue_id FROM followups WHERE done_at > 0`)
	if err != nil {
		return // not migrated yet
	}
	defer rows.Close()
	now := time.Now()
	for rows.Next() {
		var id string
		if rows.Scan(&id) != nil {
			return
		}
		for _, l := range r.leads {
			if l.id == id {
				if _, ok := r.doneSeen[l.tag]; !ok {
					r.doneSeen[l.tag] = now
				}
			}
		}
	}
}
