// Package notifytest holds what the platform senders' tests share: the
// golden-file check with its -update flag, a fixed clock, a stub robot and
// the follow-up messages of the golden files.
package notifytest

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/sim/robots"
)

// Update rewrites the golden files in testdata (go test -update).
var Update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Fixed is the clock of golden files and of the simulator in most tests.
var Fixed = time.Date(2024, 5, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// Now returns Fixed.
func Now() time.Time { return Fixed }

// Stub starts a server answering every request with status and body, and
// returns its base URL.
func Stub(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// Golden compares the JSON got, indented, with testdata/name, or rewrites
// the file with -update.
func Golden(t *testing.T, name string, got []byte) {
	t.Helper()
	var pretty bytes.Buffer
	require.NoError(t, json.Indent(&pretty, got, "", "  "))
	pretty.WriteByte('\n')
	path := filepath.Join("testdata", name)
	if *Update {
		require.NoError(t, os.WriteFile(path, pretty.Bytes(), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	require.Equal(t, string(want), pretty.String())
}

// Reminder is the golden files' reminder: the sample lead of route to
// receiver, 15 minutes without follow-up, assigned to m.
func Reminder(receiver, route string, m *route.Member) *notify.Message {
	return &notify.Message{Receiver: receiver, Followup: &notify.Followup{Kind: notify.KindReminder, Late: 15 * time.Minute},
		Alerts: []notify.Alert{{Lead: robots.SampleLead(), Route: route, Assignee: m}}}
}

// Escalation is the golden files' escalation to the managers: four sample
// leads 30 minutes without follow-up, assigned to 张三, 李四 (whom only a
// mobile @s), 张三 again and no one.
func Escalation(route string) *notify.Message {
	msg := &notify.Message{Receiver: "managers", Followup: &notify.Followup{Kind: notify.KindEscalation, Late: 30 * time.Minute}}
	for i, who := range []int{0, 1, 0, -1} {
		a := notify.Alert{Lead: robots.SampleLead(), Route: route}
		a.Lead.ID = fmt.Sprintf("%s%d", a.Lead.ID[:len(a.Lead.ID)-1], i)
		a.Lead.UserName = fmt.Sprintf("客户%d", i+1)
		if who >= 0 {
			a.Assignee = &robots.SampleMembers[who]
		}
		msg.Alerts = append(msg.Alerts, a)
	}
	return msg
}
