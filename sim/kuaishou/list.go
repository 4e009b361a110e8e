package kuaishou

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"time"
)

// ListRequest is a decoded clue-list request. Zero fields were not sent.
type ListRequest struct {
	AdvertiserID  int64
	AccessToken   string // the access-token header
	StartTime     string // "yyyy-MM-dd HH:mm:ss", Beijing time
	EndTime       string
	Page          int
	PageSize      int
	ChannelFlag   int64
	SourceType    int64
	UserName      string
	Phone         string
	PageIDList    []string
	ClueTagList   []int64
	PhoneStatList []int64
	IntentionList []int64
}

// listWire is the request body; numbers may arrive bare or quoted.
type listWire struct {
	AdvertiserID  json.Number   `json:"advertiser_id"`
	StartTime     string        `json:"start_time"`
	EndTime       string        `json:"end_time"`
	Page          json.Number   `json:"page"`
	PageSize      json.Number   `json:"page_size"`
	ChannelFlag   json.Number   `json:"channel_flag"`
	SourceType    json.Number   `json:"source_type"`
	UserName      string        `json:"user_name"`
	Phone         string        `json:"phone"`
	PageIDList    []json.Number `json:"page_id_list"`
	ClueTagList   []json.Number `json:"clue_tag_list"`
	PhoneStatList []json.Number `json:"phone_stat_list"`
	IntentionList []json.Number `json:"intention_list"`
}

// parseListRequest decodes a body, or returns the message of a code 400.
func parseListRequest(body []byte) (ListRequest, string) {
	var w listWire
	if err := json.Unmarshal(body, &w); err != nil {
		return ListRequest{}, "请求参数错误: " + err.Error()
	}
	ints := func(ns []json.Number) []int64 {
		out := make([]int64, 0, len(ns))
		for _, n := range ns {
			v, _ := n.Int64()
			out = append(out, v)
		}
		return out
	}
	req := ListRequest{
		StartTime: w.StartTime, EndTime: w.EndTime, UserName: w.UserName, Phone: w.Phone,
		ClueTagList: ints(w.ClueTagList), PhoneStatList: ints(w.PhoneStatList),
		IntentionList: ints(w.IntentionList),
	}
	req.AdvertiserID, _ = w.AdvertiserID.Int64()
	page, _ := w.Page.Int64()
	size, _ := w.PageSize.Int64()
	req.Page, req.PageSize = int(page), int(size)
	req.ChannelFlag, _ = w.ChannelFlag.Int64()
	req.SourceType, _ = w.SourceType.Int64()
	for _, n := range w.PageIDList {
		req.PageIDList = append(req.PageIDList, n.String())
	}
	switch {
	case req.AdvertiserID <= 0:
		return req, "advertiser_id 不能为空"
	case req.PageSize > MaxPageSize:
		return req, MsgPageSizeLimit
	case req.PageSize < 0 || req.Page < 0:
		return req, "page 或 page_size 不合法"
	}
	for _, t := range []string{req.StartTime, req.EndTime} {
		if _, err := time.ParseInLocation(TimeLayout, t, VendorZone); t != "" && err != nil {
			return req, "时间格式错误, 应为 yyyy-MM-dd HH:mm:ss: " + t
		}
	}
	return req, ""
}

// handleList answers a clue-list call, injecting the fault drawn for it.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request, body []byte) {
	s.mu.Lock()
	s.stats.ListCalls++
	s.mu.Unlock()
	s.faulted(w, r, s.faultRNG, s.opts.Faults, s.stats.Faults, func(f Fault) []byte {
		b, rows, ok := s.answerList(r, body)
		if ok && f != FaultTruncated {
			s.mu.Lock()
			s.stats.ListPages++
			s.stats.RowsServed += rows
			s.mu.Unlock()
		}
		return b
	})
}

// answerList computes the answer to a clue-list call, with the number of
// records in it, and reports whether it is a code-0 page.
func (s *Server) answerList(r *http.Request, body []byte) ([]byte, int, bool) {
	req, bad := parseListRequest(body)
	req.AccessToken = r.Header.Get("access-token")
	page, size := min(max(req.Page, 1), 1<<30), req.PageSize // bounded: no overflow below
	if size == 0 {
		size = DefaultPageSize
	}
	s.mu.Lock()
	s.applyWork()
	code, msg := CodeBadRequest, bad
	if bad == "" {
		code, msg = s.authorize(req.AdvertiserID, req.AccessToken)
	} else {
		s.stats.BadRequests++
	}
	hook := s.hook
	id := hex32(s.idRNG)
	s.mu.Unlock()
	if code != CodeOK {
		return codeBody(code, msg, id), 0, false
	}
	if hook != nil {
		hook(req, page)
	}

	s.mu.Lock()
	sel := s.selectClues(req)
	total := len(sel)
	var rows [][]byte
	for k := (page - 1) * size; k < total && k < page*size; k++ {
		if !s.opts.OldestFirst {
			rows = append(rows, sel[total-1-k].raw)
		} else {
			rows = append(rows, sel[k].raw)
		}
	}
	quirk := s.drawQuirk()
	s.mu.Unlock()

	if quirk == QuirkDataNull || quirk == QuirkDetailsNull {
		return pageBody(quirk, total, nil, id), 0, true
	}
	return pageBody(quirk, total, rows, id), len(rows), true
}

// authorize checks the advertiser and its access token. The caller holds s.mu.
func (s *Server) authorize(adv int64, token string) (int, string) {
	a, ok := s.accounts[adv]
	ag := s.agencyByAccess(token)
	switch {
	case !ok:
		s.stats.BadRequests++
		return CodeAdvertiserNotFound, MsgAdvertiserMissing
	case ag != nil && token != a.access:
		return s.agencyAuthorize(ag, adv)
	case token != "" && token == a.access && s.opts.Now().Before(a.accessExp):
		return CodeOK, MsgOK
	case token != "" && (token == a.access || s.retired[token]):
		s.stats.AuthRejections++
		return CodeTokenExpired, MsgTokenExpired
	default:
		s.stats.AuthRejections++
		return CodeTokenInvalid, MsgTokenInvalid
	}
}

// selectClues returns the advertiser's clues matching req, ascending. The
// caller holds s.mu; the result may alias the account's slice.
func (s *Server) selectClues(req ListRequest) []*clue {
	all := s.accounts[req.AdvertiserID].clues
	lo, hi := 0, len(all)
	if t, err := time.ParseInLocation(TimeLayout, req.StartTime, VendorZone); err == nil {
		lo = sort.Search(len(all), func(i int) bool { return !all[i].created.Before(t) })
	}
	if t, err := time.ParseInLocation(TimeLayout, req.EndTime, VendorZone); err == nil {
		hi = sort.Search(len(all), func(i int) bool { return all[i].created.After(t) })
	}
	if hi < lo {
		hi = lo
	}
	window := all[lo:hi]
	if !req.filtered() {
		return window
	}
	var out []*clue
	for _, c := range window {
		if req.matches(decodeRecord(c.raw)) {
			out = append(out, c)
		}
	}
	return out
}

// filtered reports whether req filters on more than the time window.
func (req ListRequest) filtered() bool {
	return req.ChannelFlag != 0 || req.SourceType != 0 || req.UserName != "" || req.Phone != "" ||
		len(req.PageIDList)+len(req.ClueTagList)+len(req.PhoneStatList)+len(req.IntentionList) > 0
}

// matches applies the optional filters to a record.
func (req ListRequest) matches(rec map[string]any) bool {
	str := func(k string) string { return fmt.Sprint(rec[k]) }
	in := func(k string, want []int64) bool {
		return len(want) == 0 || slices.ContainsFunc(want, func(v int64) bool {
			return strconv.FormatInt(v, 10) == str(k)
		})
	}
	return (req.ChannelFlag == 0 || in("channel_flag", []int64{req.ChannelFlag})) &&
		(req.SourceType == 0 || in("source_type", []int64{req.SourceType})) &&
		(req.UserName == "" || str("user_name") == req.UserName) &&
		(req.Phone == "" || str("phone") == req.Phone) &&
		(len(req.PageIDList) == 0 || slices.Contains(req.PageIDList, str("page_id"))) &&
		in("clue_tag", req.ClueTagList) && in("phone_stat", req.PhoneStatList) &&
		in("intention_id", req.IntentionList)
}
