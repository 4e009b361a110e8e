package kuaishou

import (
	"slices"
	"strconv"
	"time"
)

// grantListCap is how many advertiser ids an agency's token answer lists in
// advertiser_ids: like the vendor's, only some of them; the approval list
// has them all.
const grantListCap = 10

// The approval_type a token answer carries: the simulator's choice, as the
// vendor publishes no values.
const (
	ApprovalAdvertiser = 1 // one advertiser authorized the app
	ApprovalAgency     = 2 // an agency authorized it (oauth_type=agent)
)

// agency is an agency authorization: one token pair that serves every
// advertiser the agency covers. Its own account has no clues.
type agency struct {
	id     int64
	userID int64
	tokenPair
	members []int64 // in the order they joined
	covers  map[int64]bool
}

// AddAgency registers an agency (its own account id) covering the given
// advertisers, which are created when unknown. The agency has no tokens
// until a code of it is exchanged (AddAgencyAuthCode, or the authorize page
// with oauth_type=agent) or SetAgencyTokens gives it some. Adding a known
// agency adds the advertisers to it.
func (s *Server) AddAgency(agencyID int64, advertisers ...int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ag := s.agencies[agencyID]
	if ag == nil {
		ag = &agency{id: agencyID, userID: 1e18 + agencyID, covers: map[int64]bool{}}
		s.agencies[agencyID] = ag
	}
	s.join(ag, advertisers)
}

// AgencyJoin adds advertisers to an agency: its token serves them from now
// on, and they appear in its approval list. It does nothing for an unknown
// agency.
func (s *Server) AgencyJoin(agencyID int64, advertisers ...int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ag := s.agencies[agencyID]; ag != nil {
		s.join(ag, advertisers)
	}
}

// AgencyLeave removes advertisers from an agency: its token no longer
// serves them (code CodeAdvertiserDenied) and its approval list leaves them
// out. Their clues stay.
func (s *Server) AgencyLeave(agencyID int64, advertisers ...int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ag := s.agencies[agencyID]
	if ag == nil {
		return
	}
	for _, id := range advertisers {
		delete(ag.covers, id)
	}
	ag.members = slices.DeleteFunc(ag.members, func(id int64) bool { return !ag.covers[id] })
}

// AgencyAdvertisers returns the advertisers an agency covers, in the order
// they joined; nil for an unknown agency.
func (s *Server) AgencyAdvertisers(agencyID int64) []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ag := s.agencies[agencyID]; ag != nil {
		return slices.Clone(ag.members)
	}
	return nil
}

// SetAgencyTokens gives an agency a fresh token pair, as if just
// authorized; a replaced access token then reads as expired.
func (s *Server) SetAgencyTokens(agencyID int64, accessToken, refreshToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ag := s.agencies[agencyID]; ag != nil {
		s.setTokens(&ag.tokenPair, accessToken, refreshToken)
	}
}

// AgencyTokens returns an agency's current access and refresh tokens,
// which change at every exchange and refresh; ok is false for an unknown
// agency.
func (s *Server) AgencyTokens(agencyID int64) (access, refresh string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ag := s.agencies[agencyID]
	if ag == nil {
		return "", "", false
	}
	return ag.access, ag.refresh, true
}

// ExpireAgencyToken makes an agency's current access token fail with code
// 402004 "access_token 已过期", for every advertiser, until it is refreshed.
func (s *Server) ExpireAgencyToken(agencyID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ag := s.agencies[agencyID]; ag != nil {
		ag.accessExp = time.Time{}
	}
}

// AddAgencyAuthCode registers a single-use code that the exchange endpoint
// turns into the agency's token pair for AuthCodeTTL.
func (s *Server) AddAgencyAuthCode(code string, agencyID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[code] = authCode{adv: agencyID, agency: true, exp: s.opts.Now().Add(AuthCodeTTL)}
}

// join adds advertisers to ag, creating their accounts. The caller holds s.mu.
func (s *Server) join(ag *agency, advertisers []int64) {
	for _, id := range advertisers {
		if id <= 0 || id == ag.id || ag.covers[id] {
			continue
		}
		s.account(id)
		ag.covers[id] = true
		ag.members = append(ag.members, id)
	}
}

// issueAgency gives ag a new token pair and returns the token answer's
// data: the agency's own id, some of its advertisers. The caller holds s.mu.
func (s *Server) issueAgency(ag *agency) *TokenData {
	return s.issuePair(&ag.tokenPair, ag.id, ag.members[:min(len(ag.members), grantListCap)], ag.userID, ApprovalAgency)
}

// agencyByAccess returns the agency whose current access token is token,
// or nil. The caller holds s.mu.
func (s *Server) agencyByAccess(token string) *agency {
	if token == "" {
		return nil
	}
	for _, ag := range s.agencies {
		if ag.access == token {
			return ag
		}
	}
	return nil
}

// agencyAuthorize checks an agency's token for one of its advertisers.
// The caller holds s.mu.
func (s *Server) agencyAuthorize(ag *agency, adv int64) (int, string) {
	switch {
	case !s.opts.Now().Before(ag.accessExp):
		s.stats.AuthRejections++
		return CodeTokenExpired, MsgTokenExpired
	case !ag.covers[adv]:
		s.stats.BadRequests++
		return CodeAdvertiserDenied, MsgAdvertiserDenied
	}
	return CodeOK, MsgOK
}

// wireIDs writes advertiser ids as the vendor does in the token and
// approval answers: numbers, or strings with Options.StringIDs.
func (s *Server) wireIDs(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		if s.opts.StringIDs {
			out[i] = strconv.FormatInt(id, 10)
		} else {
			out[i] = id
		}
	}
	return out
}
