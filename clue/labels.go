package clue

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Enum is one of the vendor's code tables: it maps a code to its Chinese label
// and a label back to every code that carries it. An Enum is read-only after
// construction and safe for concurrent use.
type Enum struct {
	name   string
	labels map[int64]string
	codes  map[string][]int64
	// unlabelled are codes the vendor sends that the table has no label for.
	unlabelled []int64
	// open: the vendor's pages disagree on the table, so any code may come.
	open bool
}

// NewEnum builds an enum called name from a code → label table. Several codes
// may share one label (the old and new intention tables both have 无意向).
func NewEnum(name string, table map[int64]string) *Enum {
	e := &Enum{name: name, labels: table, codes: make(map[string][]int64, len(table))}
	for code, label := range table {
		e.codes[label] = append(e.codes[label], code)
	}
	for _, c := range e.codes {
		sort.Slice(c, func(i, j int) bool { return c[i] < c[j] })
	}
	return e
}

// Name returns the enum's name, as used for match keys (intention, phone_stat, ...).
func (e *Enum) Name() string { return e.name }

// Label returns the label of code, or the code as a decimal number when the
// table does not know it.
func (e *Enum) Label(code int64) string {
	if l, ok := e.labels[code]; ok {
		return l
	}
	return strconv.FormatInt(code, 10)
}

// Known reports whether the table has a label for code.
func (e *Enum) Known(code int64) bool {
	_, ok := e.labels[code]
	return ok
}

// Sends reports whether the vendor may send code in the enum's field: the
// table labels it, the vendor's page names it without a label, or the
// enum is open (its pages disagree, so any code may come).
func (e *Enum) Sends(code int64) bool {
	return e.open || e.Known(code) || slices.Contains(e.unlabelled, code)
}

// SentCodes returns every code Sends accepts but for an open enum's
// unknown ones, sorted: the labelled and the unlabelled.
func (e *Enum) SentCodes() []int64 {
	out := append([]int64(nil), e.unlabelled...)
	for code := range e.labels {
		out = append(out, code)
	}
	slices.Sort(out)
	return out
}

// Codes returns every code labelled label (sorted), or nil for an unknown
// label. Surrounding spaces and full-width parentheses are tolerated.
func (e *Enum) Codes(label string) []int64 {
	label = fullWidth.Replace(strings.TrimSpace(label))
	return append([]int64(nil), e.codes[label]...)
}

// Labels returns every distinct label of the enum, sorted.
func (e *Enum) Labels() []string {
	out := make([]string, 0, len(e.codes))
	for l := range e.codes {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// fullWidth turns full-width parentheses, as typed with a Chinese IME, into
// the ASCII ones the labels use.
var fullWidth = strings.NewReplacer("（", "(", "）", ")")

// systemJudged is the suffix of the call statuses the platform judged itself.
const systemJudged = "(系统判定)"

func phoneStatTable() map[int64]string {
	outcomes := []string{
		"已接通-有效通话", "已接通-无效通话", "未接通-拒接", "未接通-无人接听", "未接通-忙线",
		"未接通-空号", "未接通-停机", "未接通", "未接通-关机", "主动挂断",
	}
	t := map[int64]string{0: "未标记", -1: "错误", 1: "待联系", 213: "呼叫拦截"}
	for i, o := range outcomes {
		t[int64(101+i)] = o
		t[int64(201+i)] = o + systemJudged
	}
	return t
}

// withUnlabelled returns e, which it changes before e is shared, also
// sending codes: codes the vendor's page says it sends, with no label.
func withUnlabelled(e *Enum, codes ...int64) *Enum {
	e.unlabelled = codes
	return e
}

// opened returns e, which it changes before e is shared, open (see Sends).
func opened(e *Enum) *Enum {
	e.open = true
	return e
}

// The vendor's enums. Codes and labels follow the published API page; where
// two versions of the page disagree both are kept.
var (
	// ClueTags labels clue_tag.
	ClueTags = NewEnum("clue_tag", map[int64]string{
		0: "未标记", 1: "新增", 2: "回流", 3: "无效", 4: "参与返款", 5: "不参与返款",
	})
	// PhoneStats labels phone_stat (call status).
	// The page also names system-judged codes up to 217 with no label.
	PhoneStats = withUnlabelled(NewEnum("phone_stat", phoneStatTable()), 211, 212, 214, 215, 216, 217)
	// Intentions labels intention_id, old page (0-4) and newer machine-cleaned page (-1, 10-15).
	// It is open: the versions of the page disagree, and a code neither
	// knows is shown as its number, not refused.
	Intentions = opened(NewEnum("intention", map[int64]string{
		0: "未标记", 1: "无意向", 2: "潜在客户", 3: "高价值客户", 4: "已成单",
		-1: "全部", 10: "清洗中", 11: "无意向", 12: "待明确意向", 13: "高意向", 14: "建联失败", 15: "无效号码",
	}))
	// SourceTypes labels source_type (component type).
	SourceTypes = NewEnum("source_type", map[int64]string{1: "表单", 2: "智能电话", 3: "咨询页"})
	// SeaTypes labels sea_type (pool).
	SeaTypes = NewEnum("sea_type", map[int64]string{1: "公海", 2: "私海"})
	// BizIDs labels biz_id (business source).
	BizIDs = NewEnum("biz_id", map[int64]string{
		1003: "建站", 1005: "线索通", 1007: "投放平台", 1008: "联盟广告", 1010: "虚拟商品推广",
		1011: "快聊", 1021: "快说车小程序", 1023: "服务号",
	})
	// ChannelFlags labels channel_flag (traffic channel).
	ChannelFlags = NewEnum("channel_flag", map[int64]string{1: "广告流量", 2: "其他"})
	// Schedules labels schedule.schedule_id (follow-up progress).
	Schedules = NewEnum("schedule", map[int64]string{
		0: "新线索", 1: "电话建联", 2: "明确意向", 3: "微信加粉", 4: "成交",
	})
	// ChildIntentions labels child_intention_tag.child_intention_id.
	ChildIntentions = NewEnum("child_intention", map[int64]string{
		1: "高意向度-高意愿", 2: "高意向度-有明确需求", 3: "潜在客户类标签-有购买力",
		4: "潜在客户类标签-多次建联", 5: "无意向类标签-无购买能力", 6: "无意向类标签-非本人提交",
		7: "无意向类标签-非本人接电话", 8: "无意向类标签-无购买意愿", 9: "无意向类标签-业务范围不符",
	})
)

// ClueTagLabel returns the label of a clue_tag code.
func ClueTagLabel(code int64) string { return ClueTags.Label(code) }

// PhoneStatLabel returns the label of a phone_stat code.
func PhoneStatLabel(code int64) string { return PhoneStats.Label(code) }

// IntentionLabel returns the label of an intention_id code (either table).
func IntentionLabel(code int64) string { return Intentions.Label(code) }

// IntentionCodes returns the intention codes labelled label, nil if none.
func IntentionCodes(label string) []int64 { return Intentions.Codes(label) }

// SourceTypeLabel returns the label of a source_type code.
func SourceTypeLabel(code int64) string { return SourceTypes.Label(code) }

// SeaTypeLabel returns the label of a sea_type code.
func SeaTypeLabel(code int64) string { return SeaTypes.Label(code) }

// BizLabel returns the label of a biz_id code.
func BizLabel(code int64) string { return BizIDs.Label(code) }

// ChannelFlagLabel returns the label of a channel_flag code.
func ChannelFlagLabel(code int64) string { return ChannelFlags.Label(code) }

// ScheduleLabel returns the label of a schedule_id code.
func ScheduleLabel(code int64) string { return Schedules.Label(code) }

// ChildIntentionLabel returns the label of a child_intention_id code.
func ChildIntentionLabel(code int64) string { return ChildIntentions.Label(code) }

// EnumByKey returns the enum behind a match key (intention, source_type,
// clue_tag, phone_stat, biz_id, sea_type, channel_flag, schedule), or nil.
func EnumByKey(key string) *Enum {
	switch key {
	case "intention", "intention_id":
		return Intentions
	case "source_type":
		return SourceTypes
	case "clue_tag":
		return ClueTags
	case "phone_stat":
		return PhoneStats
	case "biz_id":
		return BizIDs
	case "sea_type":
		return SeaTypes
	case "channel_flag":
		return ChannelFlags
	case "schedule":
		return Schedules
	}
	return nil
}
