package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/secret"
	sim "github.com/cluebot/cluebot/sim/kuaishou"
	"github.com/cluebot/cluebot/store"
)

// opsHook is a plain webhook receiver that keeps the notices it gets.
type opsHook struct {
	mu      sync.Mutex
	notices []struct {
		Title string   `json:"title"`
		Lines []string `json:"lines"`
	}
}

func (h *opsHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var p struct {
		Kind   string `json:"kind"`
		Notice struct {
			Title string   `json:"title"`
			Lines []string `json:"lines"`
		} `json:"notice"`
	}
	if json.Unmarshal(body, &p) == nil && p.Kind == "notice" {
		h.mu.Lock()
		h.notices = append(h.notices, p.Notice)
		h.mu.Unlock()
	}
	w.WriteHeader(http.StatusOK)
}

func (h *opsHook) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.notices)
}

// newOpsApp is an App on SQLite pulling from the simulator at base, whose
// ops receiver is a webhook.
func newOpsApp(t *testing.T, base string, hook *opsHook) *app.App {
	return newOpsAppWith(t, base, hook, "")
}

// newOpsAppWith is newOpsApp with more keys of the kuaishou section,
// indented.
func newOpsAppWith(t *testing.T, base string, hook *opsHook, kuaishou string) *app.App {
	srv := httptest.NewServer(hook)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	write(t, dir, "rules.yaml", "routes:\n  - name: all\n    receivers: [ops]\n")
	yaml := fmt.Sprintf(`timezone: Asia/Shanghai
store:
  dsn: data/cluebot.db
kuaishou:
  base_url: %s
  app_id: 1001
  secret: app-secret
  silent_after: 72h
  backfill: 24h
%s  accounts:
    - advertiser_id: 30000001
      name: 郑州宝马
      access_token: tok-access-abcdef
receivers:
  ops:
    type: webhook
    url: %s/hook
ops_receivers: [ops]
rules: rules.yaml
`, base, kuaishou, srv.URL)
	cfg, err := config.Parse(filepath.Join(dir, "cluebot.yaml"), []byte(yaml),
		func(string) (string, bool) { return "", false }, nil)
	require.NoError(t, err)
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler), app.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, a.Close()) })
	return a
}

// TestSilentAccountAnnouncedOncePerSilence: an account with no clue for
// silent_after is told to ops_receivers once; a new clue, then a new
// silence, is told again.
func TestSilentAccountAnnouncedOncePerSilence(t *testing.T) {
	hook := &opsHook{}
	a := newOpsApp(t, "http://127.0.0.1:9", hook)
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	require.NoError(t, a.Store.SaveSyncState(ctx, store.SyncState{AdvertiserID: 30000001, SyncedTo: now,
		LastRunAt: now, LastSuccessAt: now}))
	_, err := a.Store.UpsertClues(ctx, []store.Clue{{ID: "c1", AdvertiserID: 30000001,
		CreateTime: now.Add(-80 * time.Hour), UpdateTime: now.Add(-80 * time.Hour), Raw: []byte("{}")}})
	require.NoError(t, err)

	n, err := a.CheckSilent(ctx, now.Add(-10*time.Hour))
	require.NoError(t, err)
	require.Zero(t, n, "70 hours is not silent yet")
	n, err = a.CheckSilent(ctx, now)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	n, err = a.CheckSilent(ctx, now.Add(time.Hour))
	require.NoError(t, err)
	require.Zero(t, n, "once per silence")
	require.Equal(t, 1, hook.count())
	require.Equal(t, "1 个账户超过 72 小时没有新线索", hook.notices[0].Title)
	require.Contains(t, hook.notices[0].Lines[0], "郑州宝马(30000001)：最后一条线索在")

	_, err = a.Store.UpsertClues(ctx, []store.Clue{{ID: "c2", AdvertiserID: 30000001,
		CreateTime: now.Add(-time.Hour), UpdateTime: now.Add(-time.Hour), Raw: []byte("{}")}})
	require.NoError(t, err)
	n, err = a.CheckSilent(ctx, now.Add(72*time.Hour))
	require.NoError(t, err)
	require.Equal(t, 1, n, "a new silence is told again")
	require.Equal(t, 2, hook.count())
}

// TestNeedsReauthToldOnce: an agency whose refresh token the vendor
// refuses is marked needs-reauth and told to ops_receivers once, without a
// token; the configured account carries on.
func TestNeedsReauthToldOnce(t *testing.T) {
	s := sim.New(sim.Options{AppID: 1001, Secret: "app-secret", Seed: 5})
	s.AddAccount(30000001, "tok-access-abcdef", "")
	s.AddAgency(19000000, 19000001, 19000002)
	s.SetAgencyTokens(19000000, "current-access", "current-refresh")
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	hook := &opsHook{}
	a := newOpsApp(t, srv.URL, hook)
	ctx := context.Background()
	id, err := a.Store.PutAuthorization(ctx, store.Authorization{Type: store.AuthAgent, AdvertiserID: 19000000,
		AuthTokens: store.AuthTokens{AccessToken: secret.String("spent-access"), RefreshToken: secret.String("spent-refresh"),
			AccessExpiresAt: time.Now().Add(time.Hour), RefreshExpiresAt: time.Now().Add(24 * time.Hour)}})
	require.NoError(t, err)
	_, _, err = a.Store.SetAdvertisers(ctx, id, []int64{19000001, 19000002}, time.Now())
	require.NoError(t, err)

	results, err := a.Syncer.SyncAll(ctx)
	require.Error(t, err)
	require.Len(t, results, 3)
	require.Equal(t, 1, hook.count())
	n := hook.notices[0]
	require.Equal(t, "快手授权需要重新授权", n.Title)
	text := strings.Join(n.Lines, "\n")
	require.Contains(t, text, fmt.Sprintf("授权 %d（代理商 19000000）", id))
	require.NotContains(t, text, "spent-")

	results, err = a.Syncer.SyncAll(ctx)
	require.NoError(t, err, "its advertisers are no longer pulled")
	require.Len(t, results, 1)
	require.Equal(t, int64(30000001), results[0].Account.AdvertiserID)
	require.Equal(t, 1, hook.count(), "told once")
}
