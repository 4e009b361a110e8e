// Package transform turns a decoded vendor clue (clue.Clue) into a Lead: the
// clean, labelled record that routing, alerts, reports and exports read.
package transform

import (
	"strconv"
	"strings"
	"time"

	"github.com/cluebot/cluebot/clue"
)

// Lead is one clue, cleaned for people and for routing: ids as decimal
// strings, every enum with its label, times in the configured zone, form
// answers with cascades split into levels, and province, city and store
// resolved. Phone holds the full number; Masked returns a copy safe for chat.
type Lead struct {
	ID           string
	AdvertiserID int64
	AccountName  string // optional: the configured account name, set by the caller
	AccountID    string // the vendor's account_id
	UserID       string // the service agent's Kuaishou id
	UserName     string
	Phone        string
	PhoneMasked  string
	PageID       string
	PageName     string
	SourceURL    string
	GiveUpReason string

	SourceType       int64
	SourceTypeLabel  string
	IntentionID      int64
	IntentionLabel   string
	PhoneStat        int64
	PhoneStatLabel   string
	ClueTag          int64
	ClueTagLabel     string
	BizID            int64
	BizLabel         string
	SeaType          int64
	SeaTypeLabel     string
	ChannelFlag      int64
	ChannelFlagLabel string
	ScheduleID       int64
	ScheduleLabel    string
	ChildIntentions  []string // labels of the child intention tags

	CampaignID string
	UnitID     string
	CreativeID string
	FormID     string
	FormName   string
	Answers    []Answer

	Province    string
	City        string
	Store       string
	StoreNumber string

	CreateTime time.Time
	UpdateTime time.Time
	ICC        Call
}

// Call is the call record of a smart-phone clue. The Masked fields hold the
// numbers masked with Mask; times are zero when the vendor sent none.
type Call struct {
	PhoneName       string
	ToPhone         string
	ToPhoneMasked   string
	FromPhone       string
	FromPhoneMasked string
	Start           time.Time
	Answer          time.Time
	Finish          time.Time
	DurationSeconds int64
	Stat            int64
}

// IsZero reports whether the clue carried no call record.
func (c Call) IsZero() bool {
	return c.PhoneName == "" && c.ToPhone == "" && c.FromPhone == "" &&
		c.Start.IsZero() && c.DurationSeconds == 0 && c.Stat == 0
}

// Options configures New, FromClue and FromStored.
type Options struct {
	// Zone is the time zone of the lead's times; nil means Beijing time.
	Zone *time.Location
	// Fields says which form answers hold province, city and store when the
	// clue carries no store_info.
	Fields Fields
	// AccountNames names the configured accounts by advertiser id: a lead's
	// AccountName is its advertiser's name here, if any.
	AccountNames map[int64]string
}

// New builds the Lead of a decoded clue. It never fails: missing or malformed
// parts give empty values.
func New(c *clue.Clue, opts Options) Lead { return build(c, c.AdvertiserID, opts) }

// build is New with the advertiser the clue was pulled for given apart, so
// that FromClue can take it from the stored row without copying the clue.
func build(c *clue.Clue, advertiserID int64, opts Options) Lead {
	zone := opts.Zone
	if zone == nil {
		zone = clue.VendorZone
	}
	l := Lead{
		ID:           c.ID.String(),
		AdvertiserID: advertiserID,
		AccountID:    c.AccountID.String(),
		UserID:       c.UserID.String(),
		UserName:     strings.TrimSpace(string(c.UserName)),
		Phone:        strings.TrimSpace(string(c.Phone)),
		PageID:       first(c.PageID.String(), c.ClueSource.PageID.String()),
		PageName:     strings.TrimSpace(first(string(c.PageName), string(c.ClueSource.PageName))),
		SourceURL:    strings.TrimSpace(string(c.SourceURL)),
		GiveUpReason: string(c.GiveUpReason),

		SourceType:  int64(c.SourceType),
		IntentionID: int64(c.IntentionID),
		PhoneStat:   int64(c.PhoneStat),
		ClueTag:     int64(c.ClueTag),
		BizID:       int64(c.BizID),
		SeaType:     int64(c.SeaType),
		ChannelFlag: int64(c.ChannelFlag),
		ScheduleID:  int64(c.Schedule.ID),

		CampaignID: c.ClueSource.CampaignID.String(),
		UnitID:     c.ClueSource.UnitID.String(),
		CreativeID: c.ClueSource.CreativeID.String(),
		FormID:     c.Form.ID.String(),
		FormName:   strings.TrimSpace(string(c.Form.Name)),
		Answers:    answers(c.Details),

		CreateTime: inZone(c.Created(), zone),
		UpdateTime: inZone(c.Updated(), zone),
		ICC:        call(c.ICC, zone),
	}
	if l.AdvertiserID == 0 {
		// Pulled outside the fetcher (a file, a test): the vendor's account_id
		// is the advertiser the clue belongs to.
		l.AdvertiserID, _ = strconv.ParseInt(l.AccountID, 10, 64)
	}
	l.AccountName = opts.AccountNames[l.AdvertiserID]
	l.PhoneMasked = Mask(l.Phone)
	l.SourceTypeLabel = clue.SourceTypeLabel(l.SourceType)
	l.IntentionLabel = clue.IntentionLabel(l.IntentionID)
	l.PhoneStatLabel = clue.PhoneStatLabel(l.PhoneStat)
	l.ClueTagLabel = clue.ClueTagLabel(l.ClueTag)
	l.BizLabel = clue.BizLabel(l.BizID)
	l.SeaTypeLabel = clue.SeaTypeLabel(l.SeaType)
	l.ChannelFlagLabel = clue.ChannelFlagLabel(l.ChannelFlag)
	l.ScheduleLabel = described(clue.Schedules, l.ScheduleID, string(c.Schedule.Desc))
	for _, ci := range c.ChildIntentionTag {
		l.ChildIntentions = append(l.ChildIntentions, described(clue.ChildIntentions, int64(ci.ID), string(ci.Desc)))
	}

	si := c.Store()
	l.Province = first(strings.TrimSpace(string(si.Province)), opts.Fields.Province.From(l.Answers))
	l.City = first(strings.TrimSpace(string(si.City)), opts.Fields.City.From(l.Answers))
	l.Store = first(strings.TrimSpace(string(si.StoreName)), opts.Fields.Store.From(l.Answers))
	l.StoreNumber = strings.TrimSpace(string(si.StoreNumber))
	return l
}

// described labels code from the table, else with the vendor's own
// description, else as its number.
func described(e *clue.Enum, code int64, desc string) string {
	if e.Known(code) {
		return e.Label(code)
	}
	if d := strings.TrimSpace(desc); d != "" {
		return d
	}
	return e.Label(code)
}

func call(i clue.ICCInfo, zone *time.Location) Call {
	c := Call{
		PhoneName:       strings.TrimSpace(string(i.PhoneName)),
		ToPhone:         strings.TrimSpace(string(i.ToPhone)),
		FromPhone:       strings.TrimSpace(string(i.FromPhone)),
		Start:           callTime(string(i.CallStartTime), zone),
		Answer:          callTime(string(i.CallAnswerTime), zone),
		Finish:          callTime(string(i.CallFinishTime), zone),
		DurationSeconds: int64(i.CallDuration),
		Stat:            i.Stat(),
	}
	c.ToPhoneMasked = Mask(c.ToPhone)
	c.FromPhoneMasked = Mask(c.FromPhone)
	return c
}

// callTime parses an icc_info time: the vendor's layout, or epoch seconds or
// milliseconds. Empty, null or malformed values give the zero time.
func callTime(s string, zone *time.Location) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{} // most clues have no call: no parse errors to make
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		if n > 1e12 {
			return time.UnixMilli(n).In(zone)
		}
		return time.Unix(n, 0).In(zone)
	}
	return inZone(clue.ParseTime(s), zone)
}

func inZone(t time.Time, zone *time.Location) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(zone)
}

func first(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
