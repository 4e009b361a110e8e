package daemon

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// storedLeads returns every stored lead, with its routing.
func storedLeads(t *testing.T, e *env) []store.Clue {
	t.Helper()
	var out []store.Clue
	now := time.Now()
	err := e.app.Store.IterateClues(context.Background(), store.ClueFilter{From: now.Add(-24 * time.Hour), To: now.Add(time.Hour)},
		func(c *store.Clue) error {
			out = append(out, *c)
			return nil
		})
	require.NoError(t, err)
	return out
}

// apiSession is an admin signed in to the console through its API.
type apiSession struct {
	t       *testing.T
	base    string
	cookies []*http.Cookie
	csrf    string
}

func (s *apiSession) call(method, path string, body any) (int, string) {
	s.t.Helper()
	b, err := json.Marshal(body)
	require.NoError(s.t, err)
	req, err := http.NewRequest(method, s.base+path, strings.NewReader(string(b)))
	require.NoError(s.t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", s.csrf)
	for _, c := range s.cookies {
		req.AddCookie(c)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	return resp.StatusCode, string(out)
}

// TestRulesTrial is issue 16 tried as a new user would: 300 stored leads;
// removing the henan route previews exactly the 河南 leads as changed; an
// invalid file is refused and changes nothing; the saved change is in the
// history under the admin's name; new 河南 leads stop reaching the henan
// group at once.
func TestRulesTrial(t *testing.T) {
	// The preview's window ends at the daemon's (fake) now and holds the
	// leads stored before it, stamped by the store's real clock: the fake
	// clock starts a minute ahead, so the first pull's leads are in it.
	e := newEnv(t, envOptions{start: time.Now().Add(time.Minute), rules: henanRules})
	withAdmin(t, e.cfg)
	e.addClues(300)
	t0 := e.clock.Now()
	ln, base := listen(t)
	d, stop := e.start(Options{Listener: ln})
	defer func() { require.NoError(t, stop()) }()
	waitRuns(t, d, JobPull, 1)

	leads := storedLeads(t, e)
	require.Len(t, leads, 300)
	henan := 0
	for _, c := range leads {
		require.False(t, c.RoutedAt.IsZero(), c.ID)
		require.Equal(t, c.Province == "河南", slices.Contains(c.Routes, "henan"), c.ID)
		if c.Province == "河南" {
			henan++
		}
	}
	require.Positive(t, henan)
	require.Less(t, henan, 300)

	resp, err := http.Post(base+"/api/session", "application/json", strings.NewReader(`{"username":"admin","password":"pw"}`))
	require.NoError(t, err)
	var login struct {
		CSRF string `json:"csrf_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&login))
	require.NoError(t, resp.Body.Close())
	admin := &apiSession{t: t, base: base, cookies: resp.Cookies(), csrf: login.CSRF}

	// The preview: exactly the 河南 leads change.
	restOnly := "routes:\n  - name: rest\n    receivers: [sales]\n"
	code, body := admin.call("POST", "/api/rules/preview", map[string]string{"rules": restOnly, "since": "7d"})
	require.Equal(t, http.StatusOK, code, body)
	var res struct {
		Leads, Changed int
		Routes         map[string]struct{ Before, After int }
	}
	require.NoError(t, json.Unmarshal([]byte(body), &res))
	require.Equal(t, 300, res.Leads)
	require.Equal(t, henan, res.Changed)
	require.Equal(t, henan, res.Routes["henan"].Before)
	require.Equal(t, 300, res.Routes["rest"].After)

	// An invalid file, and an invalid save, are refused and change nothing.
	mark := len(e.logs.String())
	e.writeFile("rules.yaml", "routes:\n  - name: rest\n    receivers: [nobody]\n")
	require.Eventually(t, func() bool { return strings.Contains(e.logs.String()[mark:], "rules.yaml change rejected") },
		wait, time.Millisecond)
	require.Contains(t, e.logs.String()[mark:], `rules.yaml:3: unknown receiver \"nobody\"`)
	code, body = admin.call("PUT", "/api/rules", map[string]string{"rules": "routes: [", "comment": "坏"})
	require.Equal(t, http.StatusUnprocessableEntity, code, body)
	require.Contains(t, body, `"line":1`)
	require.Len(t, versions(t, e.app), 1)
	require.Equal(t, []string{"henan", "rest"}, routeNames(e))

	// The save: in force at once, in the history under the admin's name.
	code, body = admin.call("PUT", "/api/rules", map[string]string{"rules": restOnly, "comment": "河南并入其余"})
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, []string{"rest"}, routeNames(e))
	code, body = admin.call("GET", "/api/rules/history", nil)
	require.Equal(t, http.StatusOK, code)
	var hist struct {
		Versions []struct{ Author, Comment string }
	}
	require.NoError(t, json.Unmarshal([]byte(body), &hist))
	require.Len(t, hist.Versions, 2)
	require.Equal(t, "admin", hist.Versions[0].Author)
	require.Equal(t, "河南并入其余", hist.Versions[0].Comment)

	// New leads, 河南 among them, route by the save at the next pull.
	e.addClues(60)
	e.advanceTo(d, JobPull, t0.Add(testPoll))
	waitRuns(t, d, JobPull, 2)
	leads = storedLeads(t, e)
	require.Len(t, leads, 360)
	newHenan := 0
	for _, c := range leads {
		if c.Province == "河南" && !slices.Contains(c.Routes, "henan") {
			require.Equal(t, []string{"rest"}, c.Routes, c.ID)
			newHenan++
		}
	}
	require.Positive(t, newHenan, "some new leads are from 河南")
}
