package kuaishou

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

// MaxApprovalPageSize is the largest page_size the approval list accepts.
const MaxApprovalPageSize = 1000

// approver says who approves on the authorize page: 0 picks the agency or
// advertiser with the lowest id.
type approver struct {
	agency     int64
	advertiser int64
}

// AuthorizeRequest is one visit to the authorize page, as the simulator saw it.
type AuthorizeRequest struct {
	Query url.Values // every query parameter, scope and oauth_type included
	Code  string     // the code handed out; "" when the page refused
}

// ApproveAs makes the authorize page approve as the given agency (agent:
// oauth_type=agent) or advertiser, instead of the one with the lowest id.
func (s *Server) ApproveAs(agent bool, id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if agent {
		s.approver.agency = id
	} else {
		s.approver.advertiser = id
	}
}

// Authorizations returns the authorize page's visits, oldest first.
func (s *Server) Authorizations() []AuthorizeRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.visits)
}

// handleAuthorize serves the authorize page: it checks app_id and
// redirect_uri and approves at once, sending the browser to
// redirect_uri?auth_code=CODE&state=STATE with a single-use code that
// works for AuthCodeTTL. With oauth_type=agent the code is an agency's
// (ApproveAs, or the lowest agency id), else an advertiser's.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "405 Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	s.mu.Lock()
	s.stats.AuthorizePages++
	s.visits = append(s.visits, AuthorizeRequest{Query: q})
	visit := &s.visits[len(s.visits)-1]
	appID, _ := strconv.ParseInt(q.Get("app_id"), 10, 64)
	target, err := url.Parse(q.Get("redirect_uri"))
	agent := q.Get("oauth_type") == "agent"
	var id int64
	var msg string
	switch {
	case appID != s.opts.AppID:
		msg = "应用不存在或 app_id 无效"
	case err != nil || (target.Scheme != "http" && target.Scheme != "https") || target.Host == "":
		msg = "redirect_uri 无效"
	default:
		if id = s.approvingID(agent); id == 0 {
			msg = "没有可授权的账户"
		}
	}
	if msg != "" {
		s.mu.Unlock()
		http.Error(w, "授权失败: "+msg, http.StatusBadRequest)
		return
	}
	code := hex32(s.codeRNG)
	s.codes[code] = authCode{adv: id, agency: agent, exp: s.opts.Now().Add(AuthCodeTTL)}
	visit.Code = code
	s.mu.Unlock()
	back := target.Query()
	back.Set("auth_code", code)
	back.Set("state", q.Get("state"))
	target.RawQuery = back.Encode()
	http.Redirect(w, r, target.String(), http.StatusFound)
}

// approvingID returns who approves: the chosen agency or advertiser, else
// the lowest known id; 0 when there is none. The caller holds s.mu.
func (s *Server) approvingID(agent bool) int64 {
	if agent {
		if s.agencies[s.approver.agency] != nil {
			return s.approver.agency
		}
		return lowestKey(s.agencies)
	}
	if s.accounts[s.approver.advertiser] != nil {
		return s.approver.advertiser
	}
	return lowestKey(s.accounts)
}

func lowestKey[V any](m map[int64]V) int64 {
	var low int64
	for id := range m {
		if low == 0 || id < low {
			low = id
		}
	}
	return low
}

// approvalWire is an approval-list request body.
type approvalWire struct {
	AccessToken string      `json:"access_token"`
	PageNo      json.Number `json:"page_no"`
	PageSize    json.Number `json:"page_size"`
}

// approvalData is the data of an approval-list answer.
type approvalData struct {
	Details []any `json:"details"`
	IsEnd   bool  `json:"isEnd"`
}

// handleApproval answers an approval-list call: the advertisers the access
// token covers (an agency's, in the order they joined; an advertiser's
// own), paged. Success is code 1, and isEnd turns true only once page_no is
// past the last page, as the vendor's does.
func (s *Server) handleApproval(w http.ResponseWriter, r *http.Request, body []byte) {
	s.mu.Lock()
	s.stats.ApprovalCalls++
	s.mu.Unlock()
	s.faulted(w, r, s.oauthRNG, s.opts.OAuthFaults, s.stats.OAuthFaults, func(Fault) []byte {
		return s.answerApproval(body)
	})
}

// answerApproval computes the answer to an approval-list call.
func (s *Server) answerApproval(body []byte) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := hex32(s.idRNG)
	fail := func(code int, msg string) []byte { return codeBody(code, msg, id) }
	if _, code, msg := s.checkApp(body); code != CodeOK {
		return fail(code, msg)
	}
	var req approvalWire
	_ = json.Unmarshal(body, &req) // checkApp decoded it already
	page, _ := req.PageNo.Int64()
	size, _ := req.PageSize.Int64()
	switch {
	case size > MaxApprovalPageSize:
		return fail(CodeBadRequest, MsgPageSizeLimit)
	case size == 0:
		size = DefaultPageSize
	case size < 0 || page < 0:
		return fail(CodeBadRequest, "page_no 或 page_size 不合法")
	}
	page = min(max(page, 1), 1<<30)
	members, code, msg := s.covered(req.AccessToken)
	if code != CodeOK {
		return fail(code, msg)
	}
	lo := min(int((page-1)*size), len(members))
	ids := members[lo:min(lo+int(size), len(members))]
	b, _ := json.Marshal(struct {
		envelope
		Data approvalData `json:"data"`
	}{envelope{Code: CodeApprovalOK, Message: "success", RequestID: id}, approvalData{s.wireIDs(ids), lo >= len(members)}})
	return b
}

// covered returns the advertisers an access token serves, or the code and
// message refusing it. The caller holds s.mu.
func (s *Server) covered(token string) ([]int64, int, string) {
	now := s.opts.Now()
	if ag := s.agencyByAccess(token); ag != nil {
		if !now.Before(ag.accessExp) {
			s.stats.AuthRejections++
			return nil, CodeTokenExpired, MsgTokenExpired
		}
		return ag.members, CodeOK, ""
	}
	for _, a := range s.accounts {
		if token != "" && a.access == token {
			if !now.Before(a.accessExp) {
				s.stats.AuthRejections++
				return nil, CodeTokenExpired, MsgTokenExpired
			}
			return []int64{a.id}, CodeOK, ""
		}
	}
	s.stats.AuthRejections++
	if s.retired[token] {
		return nil, CodeTokenExpired, MsgTokenExpired
	}
	return nil, CodeTokenInvalid, MsgTokenInvalid
}
