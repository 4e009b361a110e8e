// Package export writes stored leads out for other systems: JSON lines and
// CSV records of a range of leads (`cluebot export`). The Excel workbooks,
// the daily report and the range export alike, are package report's.
package export

import (
	"context"
	"time"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// Record is one lead as exported to other systems (jsonl and csv). The long
// ids (clue, page, campaign) are strings so no consumer reads them as
// floats; advertiser_id and intention_id stay numbers, as the jsonl contract
// has them (interface.md, export) and as earlier exports wrote them; times
// are RFC 3339 in the
// configured zone. Phone is the full number: exports go to systems, not chats.
type Record struct {
	ID           string            `json:"id"`
	AdvertiserID int64             `json:"advertiser_id"`
	Account      string            `json:"account,omitempty"`
	UserName     string            `json:"user_name"`
	Phone        string            `json:"phone"`
	PageID       string            `json:"page_id"`
	PageName     string            `json:"page_name"`
	IntentionID  int64             `json:"intention_id"`
	Intention    string            `json:"intention"`
	SourceType   int64             `json:"source_type"`
	Source       string            `json:"source"`
	PhoneStat    int64             `json:"phone_stat"`
	CallStatus   string            `json:"call_status"`
	ClueTag      string            `json:"clue_tag"`
	Schedule     string            `json:"schedule"`
	Province     string            `json:"province"`
	City         string            `json:"city"`
	Store        string            `json:"store"`
	CampaignID   string            `json:"campaign_id"`
	UnitID       string            `json:"unit_id"`
	CreativeID   string            `json:"creative_id"`
	CreateTime   string            `json:"create_time"`
	UpdateTime   string            `json:"update_time"`
	Form         map[string]string `json:"form"`
	Routes       []string          `json:"routes"`
}

// NewRecord builds the exported form of a lead.
func NewRecord(l *transform.Lead, routes []string) Record {
	if routes == nil {
		routes = []string{}
	}
	return Record{
		ID: l.ID, AdvertiserID: l.AdvertiserID, Account: l.AccountName,
		UserName: l.UserName, Phone: l.Phone, PageID: l.PageID, PageName: l.PageName,
		IntentionID: l.IntentionID, Intention: l.IntentionLabel,
		SourceType: l.SourceType, Source: l.SourceTypeLabel,
		PhoneStat: l.PhoneStat, CallStatus: l.PhoneStatLabel,
		ClueTag: l.ClueTagLabel, Schedule: l.ScheduleLabel,
		Province: l.Province, City: l.City, Store: l.Store,
		CampaignID: l.CampaignID, UnitID: l.UnitID, CreativeID: l.CreativeID,
		CreateTime: formatTime(l.CreateTime), UpdateTime: formatTime(l.UpdateTime),
		Form: l.Form(), Routes: routes,
	}
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// Source is what export reads leads from.
type Source interface {
	IterateClues(ctx context.Context, f store.ClueFilter, fn func(c *store.Clue) error) error
}

// Leads decodes every stored clue matching f into a lead, in collection
// order, with opts' zone, field mapping and account names
// (transform.FromStored), and calls fn with it and the stored row. A row
// whose raw JSON no longer decodes is an error naming the clue: exports
// must not skip rows.
func Leads(ctx context.Context, src Source, f store.ClueFilter, opts transform.Options, fn func(l *transform.Lead, c *store.Clue) error) error {
	return src.IterateClues(ctx, f, func(c *store.Clue) error {
		l, err := transform.FromStored(c, opts)
		if err != nil {
			return err
		}
		return fn(&l, c)
	})
}
