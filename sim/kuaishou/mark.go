package kuaishou

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
)

// MarkPath is the write-back endpoint, clue_mark/update.
const MarkPath = "/rest/openapi/v2/gemini/crm/clue/clue_mark/update"

// CodeClueNotFound answers a mark of a clue the advertiser does not have.
const (
	CodeClueNotFound = 400002
	MsgClueNotFound  = "线索不存在"
)

// The code tables of clue_mark/update, which differ from the list's.
var (
	markScheduleDescs = map[int64]string{0: "待联系", 1: "电话已建联", 2: "高意向", 3: "微信加粉", 4: "成交",
		5: "待持续跟进", 6: "用户开口聊天", 7: "已拨打", 8: "无意向", 9: "交定金", 11: "到店"}
	markChildDescs = map[int64]string{11: "年龄不符", 12: "地域不符", 13: "多次未建联", 14: "成交付费"}
)

// Mark is one update the write-back endpoint accepted. Unset fields are nil.
type Mark struct {
	AdvertiserID     int64
	ClueID           string
	ScheduleID       *int64
	ChildIntentionID []int64
	CallStat         *int64
}

// markData is the data of a clue_mark/update answer: the clue's id.
type markData struct {
	ID json.Number `json:"id"`
}

// markWire is a clue_mark/update body; numbers may arrive bare or quoted.
type markWire struct {
	AdvertiserID     json.Number   `json:"advertiser_id"`
	ClueID           json.Number   `json:"clue_id"`
	ScheduleID       *json.Number  `json:"schedule_id"`
	ChildIntentionID []json.Number `json:"child_intention_id"`
	CallStat         *json.Number  `json:"call_stat"`
}

// Marks returns the updates accepted, oldest first.
func (s *Server) Marks() []Mark {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.marks)
}

// handleMark answers clue_mark/update: with the advertiser's token (or its
// agency's) and a clue of that advertiser, it changes the stored clue so
// that a later pull shows it: schedule_id as the clue's schedule (with the
// update's label), child_intention_id as its child_intention_tag, a call
// outcome (101-109) as its phone_stat; a follow-up state (call_stat 0-3),
// which the list has no code for, is kept in the record's call_stat. The
// answer is code 0 with data.id, the clue id. Faults: Options.MarkFaults.
func (s *Server) handleMark(w http.ResponseWriter, r *http.Request, body []byte) {
	s.mu.Lock()
	s.stats.MarkCalls++
	s.mu.Unlock()
	s.faulted(w, r, s.markRNG, s.opts.MarkFaults, s.stats.MarkFaults, func(Fault) []byte {
		return s.answerMark(r.Header.Get("access-token"), body)
	})
}

// answerMark applies one update and encodes the answer.
func (s *Server) answerMark(token string, body []byte) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := hex32(s.idRNG)
	fail := func(code int, msg string) []byte { return codeBody(code, msg, id) }
	m, msg := parseMark(body)
	if msg != "" {
		s.stats.BadRequests++
		return fail(CodeBadRequest, msg)
	}
	if code, msg := s.authorize(m.AdvertiserID, token); code != CodeOK {
		return fail(code, msg)
	}
	c, ok := s.clues[m.ClueID]
	if !ok || c.adv != m.AdvertiserID {
		s.stats.BadRequests++
		return fail(CodeClueNotFound, MsgClueNotFound)
	}
	s.update(m.ClueID, func(rec map[string]any) { applyMark(rec, m) })
	s.marks = append(s.marks, m)
	b, _ := json.Marshal(struct {
		envelope
		Data markData `json:"data"`
	}{envelope{Code: CodeOK, Message: MsgOK, RequestID: id}, markData{json.Number(m.ClueID)}})
	return b
}

// parseMark decodes and checks a body, or returns the message of a code 400.
func parseMark(body []byte) (Mark, string) {
	var w markWire
	if err := json.Unmarshal(body, &w); err != nil {
		return Mark{}, "请求参数错误: " + err.Error()
	}
	m := Mark{ClueID: decimal(w.ClueID)}
	m.AdvertiserID, _ = w.AdvertiserID.Int64()
	known := func(n *json.Number, table map[int64]string) (*int64, bool) {
		if n == nil {
			return nil, true
		}
		v, err := n.Int64()
		_, ok := table[v]
		return &v, err == nil && ok
	}
	var ok bool
	switch {
	case m.AdvertiserID <= 0:
		return m, "advertiser_id 不能为空"
	case m.ClueID == "":
		return m, "clue_id 不能为空"
	}
	if m.ScheduleID, ok = known(w.ScheduleID, markScheduleDescs); !ok {
		return m, "schedule_id 不合法"
	}
	if m.CallStat, ok = known(w.CallStat, callStatDescs()); !ok {
		return m, "call_stat 不合法"
	}
	for _, n := range w.ChildIntentionID {
		v, err := n.Int64()
		if err != nil || (childDesc(v) == "") {
			return m, "child_intention_id 不合法"
		}
		m.ChildIntentionID = append(m.ChildIntentionID, v)
	}
	if m.ScheduleID == nil && m.CallStat == nil && len(m.ChildIntentionID) == 0 {
		return m, "没有要更新的字段"
	}
	return m, ""
}

// applyMark changes a stored record as the vendor shows an update.
func applyMark(rec map[string]any, m Mark) {
	if m.ScheduleID != nil {
		rec["schedule"] = map[string]any{"schedule_id": *m.ScheduleID, "schedule_desc": markScheduleDescs[*m.ScheduleID]}
	}
	if m.ChildIntentionID != nil {
		tags := make([]any, len(m.ChildIntentionID))
		for i, v := range m.ChildIntentionID {
			tags[i] = map[string]any{"child_intention_id": v, "child_intention_desc": childDesc(v)}
		}
		rec["child_intention_tag"] = tags
	}
	if m.CallStat != nil && *m.CallStat >= 101 {
		rec["phone_stat"] = *m.CallStat
	} else if m.CallStat != nil {
		rec["call_stat"] = *m.CallStat
	}
}

// callStatDescs is the update's call_stat table: follow-up states and the
// call outcomes 101-109.
func callStatDescs() map[int64]string {
	t := map[int64]string{0: "未标记", 1: "待跟进", 2: "跟进中", 3: "已跟进"}
	for v := int64(101); v <= 109; v++ {
		t[v] = strconv.FormatInt(v, 10)
	}
	return t
}

// childDesc labels a sub-tag of the update: the list's 1-9, and 11-14.
func childDesc(v int64) string {
	if v >= 1 && v < int64(len(childIntentionDescs)) {
		return childIntentionDescs[v]
	}
	return markChildDescs[v]
}
