package kuaishou

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// listAs asks for one page of an advertiser's clues with token.
func listAs(t *testing.T, url, token string, adv int64) reply {
	t.Helper()
	return list(t, url, token, map[string]any{"advertiser_id": adv})
}

func TestAgencyTokenServesItsAdvertisers(t *testing.T) {
	s, base, _ := startAgency(t, Options{Seed: 5}, 3)
	s.SetAgencyTokens(testAgency, "agency-at", "agency-rt")
	for _, adv := range []int64{9000001, 9000002, 9000003} {
		s.Generate(adv, 4, t0.Add(-time.Hour), t0)
		r := listAs(t, base, "agency-at", adv)
		require.EqualValues(t, CodeOK, r.Code, r.Message)
		require.Len(t, r.Details, 4)
	}
	require.EqualValues(t, CodeAdvertiserDenied, listAs(t, base, "agency-at", testAdv).Code,
		"an advertiser outside the agency")
	require.EqualValues(t, CodeOK, listAs(t, base, testAccess, testAdv).Code, "its own token still works")
	require.EqualValues(t, CodeAdvertiserNotFound, listAs(t, base, "agency-at", 123).Code)

	s.AgencyLeave(testAgency, 9000002)
	require.Equal(t, []int64{9000001, 9000003}, s.AgencyAdvertisers(testAgency))
	r := listAs(t, base, "agency-at", 9000002)
	require.EqualValues(t, CodeAdvertiserDenied, r.Code, "an advertiser that left")
	require.Equal(t, MsgAdvertiserDenied, r.Message)
	ids, _ := approvalIDs(t, approvalPage(t, base, "agency-at", 1, 10))
	require.Equal(t, []string{"9000001", "9000003"}, ids)
	_, ok := s.Get(s.IDs(9000002)[0])
	require.True(t, ok, "its clues stay")

	s.AgencyJoin(testAgency, 9000002, 9000009, testAgency)
	require.Equal(t, []int64{9000001, 9000003, 9000002, 9000009}, s.AgencyAdvertisers(testAgency),
		"joiners at the end, the agency's own account never")
	require.EqualValues(t, CodeOK, listAs(t, base, "agency-at", 9000009).Code)
	require.EqualValues(t, CodeAdvertiserNotFound, listAs(t, base, "agency-at", testAgency).Code,
		"the agency's own account has no clues to pull")
}

func TestAgencyRefreshRotates(t *testing.T) {
	s, base, clock := startAgency(t, Options{Seed: 8, AccessTTL: time.Hour}, 300)
	s.AddAgencyAuthCode("c", testAgency)
	first := tokenData(t, exchangeCode(t, base, "c"))

	clock.Advance(time.Hour)
	for _, adv := range []int64{9000001, 9000300} {
		require.EqualValues(t, CodeTokenExpired, listAs(t, base, first.AccessToken, adv).Code)
	}
	d := tokenData(t, refresh(t, base, testAppID, testSecret, first.RefreshToken))
	require.Equal(t, testAgency, d.AdvertiserID)
	require.NotEqual(t, first.RefreshToken, d.RefreshToken, "the refresh token rotates")
	for _, adv := range []int64{9000001, 9000150, 9000300} {
		require.EqualValues(t, CodeOK, listAs(t, base, d.AccessToken, adv).Code, "one refresh serves every advertiser")
	}
	require.EqualValues(t, CodeTokenExpired, listAs(t, base, first.AccessToken, 9000001).Code, "the replaced token")
	require.EqualValues(t, CodeTokenExpired, approvalPage(t, base, first.AccessToken, 1, 10).Code)
	require.EqualValues(t, CodeRefreshInvalid, refresh(t, base, testAppID, testSecret, first.RefreshToken).Code,
		"a spent refresh token")
	st := s.Stats()
	require.Equal(t, 2, st.RefreshCalls, "one rotation, one refusal")

	s.ExpireAgencyToken(testAgency)
	require.EqualValues(t, CodeTokenExpired, listAs(t, base, d.AccessToken, 9000001).Code)
}

func TestOAuthFaults(t *testing.T) {
	cases := []struct {
		fault Fault
		code  int64 // the answer's code; -1: not JSON
	}{
		{FaultBusy, CodeBusy},
		{FaultHTTP502, -1},
		{FaultToken, CodeTokenExpired},
	}
	for _, tc := range cases {
		t.Run(string(tc.fault), func(t *testing.T) {
			s, base, _ := startAgency(t, Options{OAuthFaults: FaultConfig{Rate: 1, Kinds: []Fault{tc.fault}},
				Faults: FaultConfig{Rate: 0}}, 2)
			s.SetAgencyTokens(testAgency, "agency-at", "agency-rt")
			s.AddAgencyAuthCode("c", testAgency)
			require.Equal(t, tc.code, exchangeCode(t, base, "c").Code)
			require.Equal(t, tc.code, approvalPage(t, base, "agency-at", 1, 10).Code)
			require.EqualValues(t, CodeOK, listAs(t, base, "agency-at", 9000001).Code, "clue lists are not faulted by OAuthFaults")
			require.EqualValues(t, CodeOK, refresh(t, base, testAppID, testSecret, "agency-rt").Code, "nor refreshes")
			st := s.Stats()
			require.Equal(t, map[Fault]int{tc.fault: 2}, st.OAuthFaults)
			require.Zero(t, st.FaultsInjected())
		})
	}
	t.Run("a fault in place of the answer spends no code", func(t *testing.T) {
		s, base, _ := startAgency(t, Options{OAuthFaults: FaultConfig{Rate: 0.5, Kinds: []Fault{FaultBusy}}, Seed: 2}, 1)
		s.AddAgencyAuthCode("c", testAgency)
		for i := 0; ; i++ {
			require.Less(t, i, 50)
			if r := exchangeCode(t, base, "c"); r.Code != CodeBusy {
				require.EqualValues(t, CodeOK, r.Code)
				break
			}
		}
	})
}
