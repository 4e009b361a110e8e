// Package clue is the vendor's clue model: a clue (lead) as the Kuaishou
// clue-list API sends it, its lenient decoding (ids as decimal strings, wrong
// types as zero values), the vendor's time zone and timestamps, and its code
// tables (intention, call status, source type, ...) with their labels. It sits
// below the API client (fetch), the lead builder (transform) and the router
// (route), and imports none of them.
package clue

import (
	"strings"
	"time"

	json "github.com/goccy/go-json"
)

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
