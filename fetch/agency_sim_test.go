package fetch_test

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/secret"
	sim "github.com/cluebot/cluebot/sim/kuaishou"
)

// grantSource is a TokenSource over one authorization's grant, refreshing it
// with the client; it counts the refreshes.
type grantSource struct {
	c         *fetch.Client
	mu        sync.Mutex
	g         *fetch.TokenGrant
	refreshes int
}

func (s *grantSource) Token(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.g.AccessToken.Reveal(), nil
}

func (s *grantSource) Refresh(ctx context.Context, stale string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.g.AccessToken.Reveal() != stale {
		return s.g.AccessToken.Reveal(), nil
	}
	g, err := s.c.RefreshToken(ctx, s.g.RefreshToken)
	if err != nil {
		return "", err
	}
	s.g, s.refreshes = g, s.refreshes+1
	return g.AccessToken.Reveal(), nil
}

// TestAgencyThroughTheSimulator onboards an agency of 45 advertisers
// through faulty OAuth endpoints, pulls each advertiser with the one agency
// token, and refreshes it once when it expires.
func TestAgencyThroughTheSimulator(t *testing.T) {
	defer fetch.SetApprovalPageSize(10)()
	const agency = int64(19000000)
	s := sim.New(sim.Options{AppID: appID, Secret: appSecret, Seed: 1, StringIDs: true,
		OAuthFaults: sim.FaultConfig{Rate: 0.5, Kinds: []sim.Fault{sim.FaultBusy, sim.FaultHTTP500, sim.FaultHTML}}})
	members := make([]int64, 45)
	for i := range members {
		members[i] = 30000000 + int64(i)
	}
	s.AddAgency(agency, members...)
	now := time.Now()
	for _, id := range members {
		s.Generate(id, 2, now.Add(-time.Hour), now)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	cfg := &fetch.Config{BaseURL: srv.URL, AppID: appID, Secret: secret.String(appSecret), PageSize: 50,
		Timeout: 2 * time.Second, Retries: 8, RetryBackoff: time.Millisecond, RetryMax: 2 * time.Millisecond}
	c := fetch.NewClient(cfg, nil, nil)
	ctx := context.Background()

	s.AddAgencyAuthCode("code-1", agency)
	g, err := c.ExchangeCode(ctx, "code-1")
	require.NoError(t, err)
	require.Equal(t, agency, g.AdvertiserID)
	require.Len(t, g.AdvertiserIDs, 10, "the grant lists only some")
	ids, err := c.ApprovalList(ctx, g.AccessToken)
	require.NoError(t, err)
	require.Equal(t, members, ids, "every advertiser, once, string ids and all")
	st := s.Stats()
	faults := 0
	for _, n := range st.OAuthFaults {
		faults += n
	}
	exchangeFaults := st.ExchangeCalls - 1
	require.Equal(t, 6, st.ApprovalCalls-(faults-exchangeFaults),
		"five pages of ids and the one past the end answered: %+v", st)
	require.Greater(t, faults-exchangeFaults, 1, "approval pages were faulted: %+v", st)

	src := &grantSource{c: c, g: g}
	s.ExpireAgencyToken(agency)
	for _, id := range ids {
		page, err := c.ListClues(ctx, src, fetch.ListRequest{AdvertiserID: id})
		require.NoError(t, err)
		require.Len(t, page.Clues, 2)
	}
	require.Equal(t, 1, src.refreshes, "one refresh serves every advertiser")

	s.AgencyLeave(agency, members[3])
	_, err = c.ListClues(ctx, src, fetch.ListRequest{AdvertiserID: members[3]})
	require.ErrorContains(t, err, "无权访问该广告主")
	require.False(t, fetch.IsAuth(err), "an advertiser that left is no token trouble")
	ids, err = c.ApprovalList(ctx, src.g.AccessToken)
	require.NoError(t, err)
	require.Len(t, ids, 44)
}
