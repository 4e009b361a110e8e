package fetch

import (
	"errors"
	json "github.com/goccy/go-json"
	"strings"
	"time"
)

// VendorZone is the platform's time zone: create_time and update_time and the
// request's start_time/end_time are Beijing time (UTC+8, no daylight saving).
var VendorZone = time.FixedZone("UTC+8", 8*3600)

// TimeLayout is the vendor's timestamp layout.
const TimeLayout = "2006-01-02 15:04:05"

// Clue is one clue (lead) as the clue-list API returns it, decoded leniently:
// unknown fields are ignored, wrong types decode to zero values, ids stay
// decimal strings. Raw keeps the vendor's original JSON of the record.
type Clue struct {
	ID                ID               `json:"id"`
	ClueTag           Int              `json:"clue_tag"`
	UserName          Str              `json:"user_name"`
	Phone             Str              `json:"phone"`
	PhoneStat         Int              `json:"phone_stat"`
	IntentionID       Int              `json:"intention_id"`
	AccountID         ID               `json:"account_id"`
	UserID            ID               `json:"user_id"`
	GiveUpReason      Str              `json:"give_up_reason"`
	SourceType        Int              `json:"source_type"`
	PageID            ID               `json:"page_id"`
	PageName          Str              `json:"page_name"`
	SourceURL         Str              `json:"source_url"`
	CreateTime        Str              `json:"create_time"`
	UpdateTime        Str              `json:"update_time"`
	SeaType           Int              `json:"sea_type"`
	BizID             Int              `json:"biz_id"`
	ChannelFlag       Int              `json:"channel_flag"`
	ChildIntentionTag []ChildIntention `json:"-"`
	Schedule          Schedule         `json:"-"`
	ClueSource        ClueSource       `json:"-"`
	Form              Form             `json:"-"`
	Details           []Answer         `json:"-"`
	ICC               ICCInfo          `json:"-"`
	StoreInfo         StoreInfo        `json:"-"`
	AdvertiserID      int64            `json:"-"` // the account the clue was pulled for
	Raw               json.RawMessage  `json:"-"`
}

// ChildIntention is one sub-tag of a clue's intention.
type ChildIntention struct {
	ID   Int `json:"child_intention_id"`
	Desc Str `json:"child_intention_desc"`
}

// Schedule is a clue's follow-up progress.
type Schedule struct {
	ID   Int `json:"schedule_id"`
	Desc Str `json:"schedule_desc"`
}

// ClueSource names the landing page and the campaign, unit and creative.
type ClueSource struct {
	PageID     ID  `json:"page_id"`
	PageName   Str `json:"page_name"`
	Callback   Str `json:"callback"`
	CampaignID ID  `json:"dsp_campaign_id"`
	UnitID     ID  `json:"dsp_unit_id"`
	CreativeID ID  `json:"dsp_creative_id"`
}

// Form is the form a form clue was submitted through.
type Form struct {
	ID   ID  `json:"id"`
	Name Str `json:"name"`
}

// Answer is one form answer. For a cascade answer (comp_type 级联单选) Value
// holds a JSON-encoded array of the levels.
type Answer struct {
	Key       Str       `json:"key"`
	Value     Str       `json:"value"`
	CompType  Str       `json:"comp_type"`
	CustomID  Str       `json:"custom_id"`
	StoreInfo StoreInfo `json:"-"`
}

// StoreInfo is a store picked in a form, or attached to the clue.
type StoreInfo struct {
	StoreName   Str `json:"store_name"`
	StoreNumber Str `json:"store_number"`
	City        Str `json:"city"`
	Province    Str `json:"province"`
}

// IsZero reports whether the store info carries nothing.
func (s StoreInfo) IsZero() bool {
	return strings.TrimSpace(string(s.StoreName+s.StoreNumber+s.City+s.Province)) == ""
}

// ICCInfo is the call record of a smart-phone clue. Timestamps may be null.
type ICCInfo struct {
	PhoneName      Str `json:"phone_name"`
	ToPhone        Str `json:"to_phone"`
	FromPhone      Str `json:"from_phone"`
	CallStartTime  Str `json:"call_start_time"`
	CallAnswerTime Str `json:"call_answer_time"`
	CallFinishTime Str `json:"call_finish_time"`
	CallDuration   Int `json:"call_duration"`
	ClueStat       Int `json:"clue_stat"`
	CallStat       Int `json:"call_stat"` // the sample's name for clue_stat
}

// Stat returns the call status whichever name the vendor used.
func (i ICCInfo) Stat() int64 {
	if i.ClueStat != 0 {
		return int64(i.ClueStat)
	}
	return int64(i.CallStat)
}

// ErrNoID is returned for a record that carries no usable id.
var ErrNoID = errors.New("clue has no id")

// clueAlias breaks the UnmarshalJSON recursion.
type clueAlias Clue

// clueWire decodes a record in one pass: the flat fields through the alias,
// the fields whose shape varies between vendor versions as raw JSON, each
// decoded on its own below.
type clueWire struct {
	clueAlias
	ChildIntentionTag json.RawMessage `json:"child_intention_tag"`
	Schedule          json.RawMessage `json:"schedule"`
	ClueSource        json.RawMessage `json:"clue_source"`
	Form              json.RawMessage `json:"form"`
	Details           json.RawMessage `json:"details"`
	ICC               json.RawMessage `json:"icc_info"`
	StoreInfo         json.RawMessage `json:"store_info"`
}

// answerAlias and answerWire do the same for a form answer.
type answerAlias Answer

type answerWire struct {
	answerAlias
	StoreInfo json.RawMessage `json:"store_info"`
}

// UnmarshalJSON decodes one clue leniently. It fails only when the record is
// not a JSON object or has no id; a bad nested value decodes to its zero value.
func (c *Clue) UnmarshalJSON(b []byte) error {
	var sc strictClue
	if unmarshal(b, &sc) == nil {
		*c = sc.clue()
		c.Raw = append(json.RawMessage(nil), b...)
		if c.ID == "" {
			return ErrNoID
		}
		return nil
	}
	var w clueWire
	if err := unmarshal(b, &w); err != nil {
		// A field of an unexpected shape (say details as an object) fails the
		// one-pass decode: fall back to the flat fields alone.
		var a clueAlias
		if err := unmarshal(b, &a); err != nil {
			return err
		}
		w = clueWire{clueAlias: a}
	}
	a := &w.clueAlias
	a.ChildIntentionTag = objectOrList[ChildIntention](w.ChildIntentionTag)
	object(w.Schedule, &a.Schedule)
	object(w.ClueSource, &a.ClueSource)
	object(w.Form, &a.Form)
	object(w.ICC, &a.ICC)
	object(w.StoreInfo, &a.StoreInfo)
	for _, aw := range objectOrList[answerWire](w.Details) {
		ans := Answer(aw.answerAlias)
		object(aw.StoreInfo, &ans.StoreInfo)
		a.Details = append(a.Details, ans)
	}
	a.Raw = append(json.RawMessage(nil), b...)
	*c = Clue(*a)
	if c.ID == "" {
		return ErrNoID
	}
	return nil
}

// ParseTime parses a vendor timestamp (Beijing time). An empty or malformed
// value gives the zero time.
func ParseTime(s string) time.Time {
	t, err := time.ParseInLocation(TimeLayout, strings.TrimSpace(s), VendorZone)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Created returns the clue's collection time.
func (c *Clue) Created() time.Time { return ParseTime(string(c.CreateTime)) }

// Updated returns the clue's last update time, or its creation time when the
// vendor sent none.
func (c *Clue) Updated() time.Time {
	if t := ParseTime(string(c.UpdateTime)); !t.IsZero() {
		return t
	}
	return c.Created()
}

// Store returns the clue's store: its own store_info when set, else the first
// form answer that carries one.
func (c *Clue) Store() StoreInfo {
	if !c.StoreInfo.IsZero() {
		return c.StoreInfo
	}
	for _, a := range c.Details {
		if !a.StoreInfo.IsZero() {
			return a.StoreInfo
		}
	}
	return StoreInfo{}
}

// DecodeClue decodes one clue record.
func DecodeClue(b []byte) (Clue, error) {
	var c Clue
	err := c.UnmarshalJSON(b)
	return c, err
}
