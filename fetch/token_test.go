package fetch

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/h2non/gock"
	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

var testNow = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// fakeStore is a TokenStore that records saves into a shared event log.
type fakeStore struct {
	mu      sync.Mutex
	tokens  map[int64]store.Token
	events  *[]string
	saveErr error
	getErr  error
}

func newFakeStore(events *[]string) *fakeStore {
	return &fakeStore{tokens: map[int64]store.Token{}, events: events}
}

func (s *fakeStore) Token(_ context.Context, id int64) (store.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tokens[id]; ok || s.getErr != nil {
		return t, s.getErr
	}
	return store.Token{}, store.ErrNotFound
}

func (s *fakeStore) SaveToken(_ context.Context, t store.Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.saveErr != nil {
		return s.saveErr
	}
	s.tokens[t.AdvertiserID] = t
	*s.events = append(*s.events, "save "+t.AccessToken.Reveal()+" "+t.RefreshToken.Reveal())
	return nil
}

// mockRefresh expects one refresh with rt and answers with the new pair.
func mockRefresh(rt, newAT, newRT string) *gock.Response {
	return gock.New(testBase).Post(refreshPath).MatchType("json").
		JSON(map[string]any{"app_id": 7, "secret": "APP-SECRET-zzzz", "refresh_token": rt}).
		Reply(200).JSON(map[string]any{"code": 0, "message": "OK", "request_id": "rid-refresh",
		"data": map[string]any{"access_token": newAT, "access_token_expires_in": 86400,
			"refresh_token": newRT, "refresh_token_expires_in": 2592000, "advertiser_id": 42}})
}

func newTestTokens(t *testing.T, cfg *Config, st TokenStore) (*Tokens, *Client, *syncBuffer) {
	c, logs := newTestClient(t, cfg)
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	return NewTokens(c, st, cfg, logger, func() time.Time { return testNow }), c, logs
}

func TestRotatedTokenSavedBeforeUse(t *testing.T) {
	defer gock.Off()
	var events []string
	gock.Observe(func(r *http.Request, _ gock.Mock) {
		events = append(events, r.URL.Path+" "+r.Header.Get("access-token"))
	})
	defer gock.Observe(nil)
	cfg := testConfig()
	st := newFakeStore(&events)
	tokens, c, logs := newTestTokens(t, cfg, st)
	gock.New(testBase).Post(listPath).Reply(200).
		BodyString(errBody(40105, "access_token AT-config-1111 expired", "rid-1"))
	mockRefresh("RT-config-1111", "AT-new-2222", "RT-new-2222")
	gock.New(testBase).Post(listPath).MatchHeader("access-token", "^AT-new-2222$").Reply(200).
		BodyString(okBody("rid-2"))

	_, err := c.ListClues(context.Background(), tokens.Source(cfg.Accounts[0]), ListRequest{AdvertiserID: 42})
	require.NoError(t, err)
	require.Equal(t, []string{
		"save AT-config-1111 RT-config-1111", listPath + " AT-config-1111",
		refreshPath + " ", "save AT-new-2222 RT-new-2222", listPath + " AT-new-2222",
	}, events)
	require.Equal(t, store.Token{AdvertiserID: 42, AccessToken: "AT-new-2222", RefreshToken: "RT-new-2222",
		AccessExpiresAt: testNow.Add(24 * time.Hour), RefreshExpiresAt: testNow.Add(30 * 24 * time.Hour),
		Seed: TokenSeed(cfg.Accounts[0]), UpdatedAt: testNow}, st.tokens[42])
	require.True(t, gock.IsDone())
	for _, leak := range []string{"AT-config-1111", "RT-config-1111", "AT-new-2222", "RT-new-2222", "APP-SECRET-zzzz"} {
		require.NotContains(t, logs.String(), leak)
	}
	require.Contains(t, logs.String(), "rid-1")
}

func TestRotatedTokenNotUsedWhenSaveFails(t *testing.T) {
	defer gock.Off()
	cfg := testConfig()
	st := newFakeStore(new([]string))
	tokens, _, _ := newTestTokens(t, cfg, st)
	src := tokens.Source(cfg.Accounts[0])
	at, err := src.Token(context.Background())
	require.NoError(t, err)
	n := countRequests(t)
	mockRefresh("RT-config-1111", "AT-new-2222", "RT-new-2222")
	st.saveErr = errors.New("disk full")

	_, err = src.Refresh(context.Background(), at)
	require.ErrorContains(t, err, "save token of advertiser 42: disk full")
	_, err = src.Token(context.Background())
	require.ErrorContains(t, err, "disk full")

	st.saveErr = nil // the store recovers: the kept pair is saved, not refreshed again
	at, err = src.Token(context.Background())
	require.NoError(t, err)
	require.Equal(t, "AT-new-2222", at)
	require.Equal(t, "RT-new-2222", st.tokens[42].RefreshToken.Reveal())
	require.Equal(t, int32(1), n.Load())
	require.True(t, gock.IsDone())
}

func TestTokenSeed(t *testing.T) {
	cfg := testConfig()
	seed := TokenSeed(cfg.Accounts[0])
	for _, tc := range []struct {
		name     string
		stored   *store.Token
		getErr   error
		want     string
		wantSave bool
		wantErr  string
	}{
		{"none stored: config tokens saved", nil, nil, "AT-config-1111", true, ""},
		{"stored rotation of these config tokens", &store.Token{AccessToken: "AT-rot-9", RefreshToken: "RT-rot-9", Seed: seed}, nil, "AT-rot-9", false, ""},
		{"operator re-authorised: config wins", &store.Token{AccessToken: "AT-old-9", RefreshToken: "RT-old-9", Seed: "0123"}, nil, "AT-config-1111", true, ""},
		{"store failure", nil, errors.New("db down"), "", false, "load token of advertiser 42: db down"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var events []string
			st := newFakeStore(&events)
			st.getErr = tc.getErr
			if tc.stored != nil {
				tc.stored.AdvertiserID = 42
				st.tokens[42] = *tc.stored
			}
			tokens := NewTokens(NewClient(cfg, nil, nil), st, cfg, nil, func() time.Time { return testNow })
			got, err := tokens.Source(cfg.Accounts[0]).Token(context.Background())
			if tc.wantErr != "" {
				require.EqualError(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			require.Equal(t, tc.wantSave, len(events) == 1)
			require.Equal(t, seed, st.tokens[42].Seed)
		})
	}
}

func TestRefreshDue(t *testing.T) {
	defer gock.Off()
	cfg := testConfig()
	cfg.Accounts = []Account{
		{AdvertiserID: 1, AccessToken: "AT-1", RefreshToken: "RT-1"}, // expires within RefreshAhead
		{AdvertiserID: 2, AccessToken: "AT-2", RefreshToken: "RT-2"}, // expires later
		{AdvertiserID: 3, AccessToken: "AT-3", RefreshToken: "RT-3"}, // expiry unknown
		{AdvertiserID: 4, AccessToken: "AT-4"},                       // due, cannot refresh
	}
	var events []string
	st := newFakeStore(&events)
	for i, exp := range []time.Duration{5 * time.Minute, time.Hour, 0, time.Minute} {
		a := cfg.Accounts[i]
		tok := store.Token{AdvertiserID: a.AdvertiserID, AccessToken: a.AccessToken, RefreshToken: a.RefreshToken, Seed: TokenSeed(a)}
		if exp > 0 {
			tok.AccessExpiresAt = testNow.Add(exp)
		}
		st.tokens[a.AdvertiserID] = tok
	}
	tokens, _, _ := newTestTokens(t, cfg, st)
	n := countRequests(t)
	mockRefresh("RT-1", "AT-1b", "RT-1b")

	err := tokens.RefreshDue(context.Background())
	require.ErrorIs(t, err, ErrReauthorize)
	require.ErrorContains(t, err, "advertiser 4")
	require.NotContains(t, err.Error(), "AT-4")
	require.Equal(t, ClassPermanent, Classify(err))
	require.Equal(t, []string{"save AT-1b RT-1b"}, events)
	require.Equal(t, int32(1), n.Load())
	require.True(t, gock.IsDone())
}

func TestConcurrentRefreshOnce(t *testing.T) {
	defer gock.Off()
	cfg := testConfig()
	tokens, _, _ := newTestTokens(t, cfg, newFakeStore(new([]string)))
	n := countRequests(t)
	mockRefresh("RT-config-1111", "AT-new-2222", "RT-new-2222").Delay(20 * time.Millisecond)

	var wg sync.WaitGroup
	got, errs := make([]string, 8), make([]error, 8)
	for i := range got {
		wg.Go(func() {
			got[i], errs[i] = tokens.Source(cfg.Accounts[0]).Refresh(context.Background(), "AT-config-1111")
		})
	}
	wg.Wait()
	for i := range got {
		require.NoError(t, errs[i])
		require.Equal(t, "AT-new-2222", got[i])
	}
	require.Equal(t, int32(1), n.Load())
	require.True(t, gock.IsDone())
}

func TestTokenRefreshesAheadOfExpiry(t *testing.T) {
	defer gock.Off()
	cfg := testConfig()
	a := cfg.Accounts[0]
	st := newFakeStore(new([]string))
	st.tokens[42] = store.Token{AdvertiserID: 42, AccessToken: a.AccessToken, RefreshToken: a.RefreshToken,
		Seed: TokenSeed(a), AccessExpiresAt: testNow.Add(time.Hour)}
	tokens, _, logs := newTestTokens(t, cfg, st)
	src := tokens.Source(a)
	fail := func() { gock.New(testBase).Post(refreshPath).Times(3).Reply(503) }
	for _, step := range []struct {
		name  string
		clock time.Duration // after testNow
		mock  func()
		want  string // empty: an error
	}{
		{"not due yet", 49 * time.Minute, func() {}, "AT-config-1111"},
		{"due, refresh fails, token still valid", 55 * time.Minute, fail, "AT-config-1111"},
		{"expired and refresh fails", 60 * time.Minute, fail, ""},
		{"expired and refreshed", 61 * time.Minute, func() { mockRefresh("RT-config-1111", "AT-new-2222", "RT-new-2222") }, "AT-new-2222"},
	} {
		tokens.now = func() time.Time { return testNow.Add(step.clock) }
		step.mock()
		got, err := src.Token(context.Background())
		require.Equal(t, step.want == "", err != nil, "%s: %v", step.name, err)
		require.Equal(t, step.want, got, step.name)
		require.True(t, gock.IsDone(), step.name)
	}
	require.Contains(t, logs.String(), "refreshing ahead of expiry failed")
	require.NotRegexp(t, "RT-config|AT-config|AT-new|RT-new|APP-SECRET", logs.String())
}

func TestRefreshTakesAnotherInstancesRotation(t *testing.T) {
	ctx := context.Background()
	var events []string
	st := newFakeStore(&events)
	cfg := &Config{AppID: 1, Secret: "app-secret-xyz", RefreshAhead: time.Minute, Timeout: time.Second,
		Retries: 0, RetryBackoff: time.Millisecond, RetryMax: time.Millisecond, BaseURL: "http://127.0.0.1:1"}
	acct := Account{AdvertiserID: 7, AccessToken: "access-config", RefreshToken: "refresh-config"}
	// Instance A and B start from the same config tokens.
	a, b := NewTokens(NewClient(cfg, nil, nil), st, cfg, nil, time.Now), NewTokens(NewClient(cfg, nil, nil), st, cfg, nil, time.Now)
	sa, sb := a.Source(acct), b.Source(acct)
	_, err := sa.Token(ctx)
	require.NoError(t, err)
	_, err = sb.Token(ctx)
	require.NoError(t, err)
	// A rotates the pair (simulated by saving what a refresh would save).
	stored, err := st.Token(ctx, 7)
	require.NoError(t, err)
	stored.AccessToken, stored.RefreshToken = "access-rotated", "refresh-rotated"
	require.NoError(t, st.SaveToken(ctx, stored))
	// B's refresh, which would spend a dead refresh token against an API it
	// cannot reach here, takes A's rotation instead.
	tok, err := sb.Refresh(ctx, "access-config")
	require.NoError(t, err)
	require.Equal(t, "access-rotated", tok)
}
