package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// syncBuffer is a buffer the demo writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDemoServe runs `cluebot demo --serve` on a free port: the printed
// login signs in to the console, the pulled leads are there, new ones
// arrive while it serves, and it stops when its context ends.
func TestDemoServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan Serving, 1)
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, Options{Dir: t.TempDir(), Out: out, Leads: 9, Serve: "127.0.0.1:0",
			Ready: func(s Serving) { ready <- s }})
		done <- err
	}()
	var s Serving
	select {
	case s = <-ready:
	case err := <-done:
		t.Fatalf("demo ended before serving: %v\n%s", err, out.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("demo did not serve within 30s\n%s", out.String())
	}
	require.Contains(t, out.String(), s.URL)
	require.Contains(t, out.String(), "login: admin / "+s.Password, "the login is printed")

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	cl := &http.Client{Jar: jar, Timeout: 30 * time.Second} // bcrypt at its real cost, under -race
	body, err := json.Marshal(map[string]string{"username": s.User, "password": s.Password})
	require.NoError(t, err)
	resp, err := cl.Post(s.URL+"/api/session", "application/json", strings.NewReader(string(body)))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	total := func() int {
		resp, err := cl.Get(s.URL + "/api/leads?limit=1")
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		var v struct{ Total int }
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&v))
		return v.Total
	}
	require.Equal(t, 9, total(), "the demo's leads are in the console")
	require.Eventually(t, func() bool { return total() > 9 }, 25*time.Second, 500*time.Millisecond,
		"new leads arrive while the demo serves")

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(15 * time.Second):
		t.Fatal("demo did not stop after its context ended")
	}
}
