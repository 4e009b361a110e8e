package kuaishou

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// The endpoint paths the Server answers.
const (
	ListPath     = "/rest/openapi/v2/gemini/crm/clue/list"
	RefreshPath  = "/rest/openapi/oauth2/authorize/refresh_token"
	ExchangePath = "/rest/openapi/oauth2/authorize/access_token"
	ApprovalPath = "/rest/openapi/oauth2/authorize/approval/list"
	// AuthorizePath is the authorize page, served on GET; the vendor serves
	// it on another host (developers.e.kuaishou.com).
	AuthorizePath = "/tools/authorize"
)

// Server simulates the Kuaishou clue-list, token, approval-list and
// clue_mark/update APIs and the authorize page. It implements http.Handler
// and is safe for concurrent use.
type Server struct {
	opts Options

	mu       sync.Mutex
	faultRNG *rand.Rand // fault draws, one per clue-list call
	quirkRNG *rand.Rand // quirk draws, one per code-0 page
	idRNG    *rand.Rand // request ids
	tokenRNG *rand.Rand // issued tokens
	codeRNG  *rand.Rand // auth codes the authorize page hands out
	oauthRNG *rand.Rand // fault draws, one per exchange or approval-list call
	markRNG  *rand.Rand // fault draws, one per clue_mark/update call
	workRNG  *rand.Rand // which new leads are worked, and how
	dataRNG  *rand.Rand // generated clues
	accounts map[int64]*account
	clues    map[string]*clue // every clue by id
	retired  map[string]bool  // access tokens that were replaced
	codes    map[string]authCode
	agencies map[int64]*agency
	approver approver
	visits   []AuthorizeRequest
	marks    []Mark
	work     []plannedWork // ascending by due
	hook     func(ListRequest, int)
	stats    Stats
	rawSeq   int // numbers the keys of records whose id is not a decimal
}

// account is one advertiser: its tokens and its clues.
type account struct {
	id int64
	tokenPair
	clues []*clue // ascending by create_time, then id
}

// tokenPair is the token pair of an advertiser or an agency.
type tokenPair struct {
	access     string
	refresh    string
	accessExp  time.Time // the access token works while Now is before this
	refreshExp time.Time
}

// New returns a Server with no accounts and no clues.
func New(opts Options) *Server {
	opts = opts.withDefaults()
	seed := uint64(opts.Seed)
	stream := func(n uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, n)) }
	return &Server{
		opts:     opts,
		faultRNG: stream(1),
		quirkRNG: stream(5),
		idRNG:    stream(2),
		tokenRNG: stream(3),
		codeRNG:  stream(6),
		oauthRNG: stream(7),
		markRNG:  stream(8),
		workRNG:  stream(9),
		dataRNG:  stream(4),
		accounts: map[int64]*account{},
		clues:    map[string]*clue{},
		retired:  map[string]bool{},
		codes:    map[string]authCode{},
		agencies: map[int64]*agency{},
		stats: Stats{Faults: map[Fault]int{}, Quirks: map[Quirk]int{}, OAuthFaults: map[Fault]int{},
			MarkFaults: map[Fault]int{}},
	}
}

// ServeHTTP routes a request to the clue-list or token endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.stats.Calls++
	s.mu.Unlock()
	if r.URL.Path == AuthorizePath {
		s.handleAuthorize(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "405 Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return // the client went away
	}
	switch r.URL.Path {
	case ListPath:
		s.handleList(w, r, body)
	case RefreshPath:
		s.handleRefresh(w, body)
	case ExchangePath:
		s.handleExchange(w, r, body)
	case ApprovalPath:
		s.handleApproval(w, r, body)
	case MarkPath:
		s.handleMark(w, r, body)
	default:
		http.NotFound(w, r)
	}
}

// AddAccount registers an advertiser with its current tokens, both fresh:
// they expire AccessTTL and RefreshTTL from now. It replaces the tokens of an
// advertiser already known; its replaced access token then reads as expired.
func (s *Server) AddAccount(advertiserID int64, accessToken, refreshToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.account(advertiserID)
	s.setTokens(&a.tokenPair, accessToken, refreshToken)
}

// ExpireAccessToken makes the advertiser's current access token fail with
// code 402004 "access_token 已过期" until the account's tokens are refreshed.
func (s *Server) ExpireAccessToken(advertiserID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.accounts[advertiserID]; ok {
		a.accessExp = time.Time{}
	}
}

// Tokens returns the advertiser's current access and refresh tokens, which
// change at every refresh; ok is false for an unknown advertiser.
func (s *Server) Tokens(advertiserID int64) (access, refresh string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[advertiserID]
	if !ok {
		return "", "", false
	}
	return a.access, a.refresh, true
}

// OnList sets a hook called before a clue-list page is computed, with the
// request and its page number (1 when the request sent none). It runs outside
// the Server's lock, so it may call Add, Update or Generate. It is not called
// for calls refused or answered by an injected error. nil removes the hook.
func (s *Server) OnList(fn func(req ListRequest, page int)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = fn
}

// account returns the advertiser's account, creating it without tokens.
// The caller holds s.mu.
func (s *Server) account(id int64) *account {
	a, ok := s.accounts[id]
	if !ok {
		a = &account{id: id}
		s.accounts[id] = a
	}
	return a
}

// setTokens installs fresh tokens on p. The caller holds s.mu.
func (s *Server) setTokens(p *tokenPair, access, refresh string) {
	if p.access != "" && p.access != access {
		s.retired[p.access] = true
	}
	now := s.opts.Now()
	p.access, p.refresh = access, refresh
	p.accessExp, p.refreshExp = now.Add(s.opts.AccessTTL), now.Add(s.opts.RefreshTTL)
	delete(s.retired, access)
}

// hex32 draws 32 lowercase hex digits from r. The caller holds s.mu.
func hex32(r *rand.Rand) string {
	return fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64())
}

// envelope is an answer without data.
type envelope struct {
	Code      int    `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id"`
}

// writeCode answers HTTP 200 with a vendor code and message.
func (s *Server) writeCode(w http.ResponseWriter, code int, msg string) {
	s.mu.Lock()
	id := hex32(s.idRNG)
	s.mu.Unlock()
	writeBody(w, http.StatusOK, "application/json;charset=UTF-8", codeBody(code, msg, id))
}

// codeBody encodes an answer without data.
func codeBody(code int, msg, requestID string) []byte {
	b, _ := json.Marshal(envelope{Code: code, Message: msg, RequestID: requestID})
	return b
}

// writeBody writes a complete answer.
func writeBody(w http.ResponseWriter, status int, contentType string, b []byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
