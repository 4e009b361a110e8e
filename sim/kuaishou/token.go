package kuaishou

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// AuthCodeTTL is how long an auth code registered with AddAuthCode works.
const AuthCodeTTL = 10 * time.Minute

// authCode is a pending single-use authorization code: of an advertiser,
// or of an agency.
type authCode struct {
	adv    int64
	agency bool
	exp    time.Time
}

// TokenData is the data of a token answer (refresh or exchange).
type TokenData struct {
	AccessToken           string  `json:"access_token"`
	AccessTokenExpiresIn  int64   `json:"access_token_expires_in"` // seconds
	RefreshToken          string  `json:"refresh_token"`
	RefreshTokenExpiresIn int64   `json:"refresh_token_expires_in"` // seconds
	AdvertiserID          int64   `json:"advertiser_id"`
	AdvertiserIDs         []int64 `json:"advertiser_ids"` // an agency's: only some of them
	UserID                int64   `json:"user_id,omitempty"`
	ApprovalType          int     `json:"approval_type,omitempty"` // ApprovalAdvertiser or ApprovalAgency
}

// tokenWire is a token request body.
type tokenWire struct {
	AppID        json.Number `json:"app_id"`
	Secret       string      `json:"secret"`
	RefreshToken string      `json:"refresh_token"`
	AuthCode     string      `json:"auth_code"`
}

// AddAuthCode registers a single-use auth code that the exchange endpoint
// turns into tokens for the advertiser (created if unknown) for AuthCodeTTL.
func (s *Server) AddAuthCode(code string, advertiserID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[code] = authCode{adv: advertiserID, exp: s.opts.Now().Add(AuthCodeTTL)}
}

// handleRefresh rotates an account's tokens: a new access token and a new
// refresh token; the old refresh token stops working.
func (s *Server) handleRefresh(w http.ResponseWriter, body []byte) {
	s.mu.Lock()
	s.stats.RefreshCalls++
	code, msg, data := s.refresh(body)
	s.mu.Unlock()
	s.writeToken(w, code, msg, data)
}

// refresh does the work of handleRefresh. The caller holds s.mu.
func (s *Server) refresh(body []byte) (int, string, *TokenData) {
	req, code, msg := s.checkApp(body)
	if code != CodeOK {
		return code, msg, nil
	}
	for _, a := range s.accounts {
		if req.RefreshToken != "" && a.refresh == req.RefreshToken {
			if !s.opts.Now().Before(a.refreshExp) {
				break
			}
			return CodeOK, MsgOK, s.issue(a)
		}
	}
	for _, ag := range s.agencies {
		if req.RefreshToken != "" && ag.refresh == req.RefreshToken && s.opts.Now().Before(ag.refreshExp) {
			return CodeOK, MsgOK, s.issueAgency(ag)
		}
	}
	s.stats.TokenRejections++
	return CodeRefreshInvalid, MsgRefreshInvalid, nil
}

// handleExchange turns a registered auth code into tokens, once.
// Faults (Options.OAuthFaults) are drawn before the code is looked at; a
// slow or truncated answer has spent the code, as the vendor's would.
func (s *Server) handleExchange(w http.ResponseWriter, r *http.Request, body []byte) {
	s.mu.Lock()
	s.stats.ExchangeCalls++
	s.mu.Unlock()
	s.faulted(w, r, s.oauthRNG, s.opts.OAuthFaults, s.stats.OAuthFaults, func(Fault) []byte {
		s.mu.Lock()
		code, msg, data := s.exchange(body)
		s.mu.Unlock()
		return s.tokenBody(code, msg, data)
	})
}

// exchange does the work of handleExchange. The caller holds s.mu.
func (s *Server) exchange(body []byte) (int, string, *TokenData) {
	req, code, msg := s.checkApp(body)
	if code != CodeOK {
		return code, msg, nil
	}
	c, ok := s.codes[req.AuthCode]
	if !ok || !s.opts.Now().Before(c.exp) {
		s.stats.TokenRejections++
		return CodeAuthCodeInvalid, MsgAuthCodeInvalid, nil
	}
	delete(s.codes, req.AuthCode)
	if c.agency {
		if ag := s.agencies[c.adv]; ag != nil {
			return CodeOK, MsgOK, s.issueAgency(ag)
		}
		s.stats.TokenRejections++
		return CodeAuthCodeInvalid, MsgAuthCodeInvalid, nil
	}
	return CodeOK, MsgOK, s.issue(s.account(c.adv))
}

// checkApp decodes a token request and checks the app id and secret.
// The caller holds s.mu.
func (s *Server) checkApp(body []byte) (tokenWire, int, string) {
	var req tokenWire
	if err := json.Unmarshal(body, &req); err != nil {
		s.stats.TokenRejections++
		return req, CodeBadRequest, "请求参数错误: " + err.Error()
	}
	if id, err := req.AppID.Int64(); err != nil || id != s.opts.AppID || req.Secret != s.opts.Secret {
		s.stats.TokenRejections++
		return req, CodeAppInvalid, MsgAppInvalid
	}
	return req, CodeOK, ""
}

// issue gives a new access and refresh token to a. The caller holds s.mu.
func (s *Server) issue(a *account) *TokenData {
	return s.issuePair(&a.tokenPair, a.id, []int64{a.id}, 1e18+a.id, ApprovalAdvertiser)
}

// issuePair installs a new token pair on p and returns the token answer's
// data. The caller holds s.mu.
func (s *Server) issuePair(p *tokenPair, id int64, ids []int64, userID int64, approval int) *TokenData {
	s.setTokens(p, hex32(s.tokenRNG), hex32(s.tokenRNG))
	return &TokenData{
		AccessToken:           p.access,
		AccessTokenExpiresIn:  int64(s.opts.AccessTTL / time.Second),
		RefreshToken:          p.refresh,
		RefreshTokenExpiresIn: int64(s.opts.RefreshTTL / time.Second),
		AdvertiserID:          id,
		AdvertiserIDs:         slices.Clone(ids),
		UserID:                userID,
		ApprovalType:          approval,
	}
}

// writeToken answers a token call.
func (s *Server) writeToken(w http.ResponseWriter, code int, msg string, data *TokenData) {
	writeBody(w, http.StatusOK, "application/json;charset=UTF-8", s.tokenBody(code, msg, data))
}

// tokenBody encodes the answer to a token call.
func (s *Server) tokenBody(code int, msg string, data *TokenData) []byte {
	s.mu.Lock()
	id := hex32(s.idRNG)
	s.mu.Unlock()
	if data == nil {
		return codeBody(code, msg, id)
	}
	var wire any = data
	if s.opts.StringIDs {
		wire = struct {
			*TokenData
			AdvertiserIDs []any `json:"advertiser_ids"`
		}{data, s.wireIDs(data.AdvertiserIDs)}
	}
	b, _ := json.Marshal(struct {
		envelope
		Data any `json:"data"`
	}{envelope{Code: code, Message: msg, RequestID: id}, wire})
	return b
}
