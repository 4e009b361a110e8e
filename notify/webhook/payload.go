package webhook

import (
	"errors"
	"time"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/transform"
)

// Payload is the JSON a plain webhook receives: one lead, a digest of
// several, or the daily summary.
type Payload struct {
	Version  int             `json:"version"` // 1
	Receiver string          `json:"receiver"`
	Kind     string          `json:"kind"` // lead, digest, summary, reminder, escalation or notice
	SentAt   string          `json:"sent_at"`
	Alerts   []AlertPayload  `json:"alerts,omitempty"`
	Summary  *SummaryPayload `json:"summary,omitempty"`
	Notice   *NoticePayload  `json:"notice,omitempty"`
}

// NoticePayload is an operator notice.
type NoticePayload struct {
	Title string   `json:"title"`
	Lines []string `json:"lines"`
}

// AlertPayload is one lead and where it was routed.
type AlertPayload struct {
	Route    string      `json:"route"`
	Assignee *Assignee   `json:"assignee,omitempty"`
	Lead     LeadPayload `json:"lead"`
	// MarkURL is the lead's mark link, omitted unless console.base_url is set.
	MarkURL string `json:"mark_url,omitempty"`
}

// Assignee is the person on duty for a lead, with their chat ids.
type Assignee struct {
	Name         string `json:"name"`
	Mobile       string `json:"mobile,omitempty"`
	WeComUserID  string `json:"wecom_userid,omitempty"`
	FeishuOpenID string `json:"feishu_open_id,omitempty"`
}

// LeadPayload is a lead with the keys of `cluebot export --format jsonl`.
type LeadPayload struct {
	ID           string            `json:"id"`
	AdvertiserID int64             `json:"advertiser_id"`
	AccountName  string            `json:"account_name,omitempty"`
	UserName     string            `json:"user_name"`
	Phone        string            `json:"phone"` // masked unless mask_phone: false
	PageID       string            `json:"page_id"`
	PageName     string            `json:"page_name"`
	SourceURL    string            `json:"source_url,omitempty"`
	IntentionID  int64             `json:"intention_id"`
	Intention    string            `json:"intention"`
	SourceType   string            `json:"source_type"`
	Province     string            `json:"province"`
	City         string            `json:"city"`
	Store        string            `json:"store"`
	CreateTime   string            `json:"create_time"`
	UpdateTime   string            `json:"update_time"`
	Form         map[string]string `json:"form"`
}

// SummaryPayload is the daily numbers.
type SummaryPayload struct {
	Title    string           `json:"title"`
	Date     string           `json:"date"`
	Total    int              `json:"total"`
	Unrouted int              `json:"unrouted"`
	Sections []SectionPayload `json:"sections"`
	FileName string           `json:"file_name,omitempty"`
}

// SectionPayload is one breakdown of the day's leads.
type SectionPayload struct {
	Title string       `json:"title"`
	Rows  []RowPayload `json:"rows"`
}

// RowPayload is one line of a breakdown.
type RowPayload struct {
	Label string `json:"label"`
	Count int    `json:"count"`
}

// NewPayload builds the payload of msg sent at now; phones are masked when
// mask is set. markLink, when not nil, gives each lead's mark link.
func NewPayload(msg *notify.Message, mask bool, now time.Time, markLink func(clueID string) string) *Payload {
	p := &Payload{Version: 1, Receiver: msg.Receiver, SentAt: now.Format(time.RFC3339), Kind: notify.KindLead}
	if s := msg.Summary; s != nil {
		p.Kind = notify.KindSummary
		p.Summary = &SummaryPayload{Title: s.Title, Date: s.Date, Total: s.Total, Unrouted: s.Unrouted,
			Sections: []SectionPayload{}, FileName: s.FileName}
		for _, sec := range s.Sections {
			sp := SectionPayload{Title: sec.Title, Rows: []RowPayload{}}
			for _, r := range sec.Rows {
				sp.Rows = append(sp.Rows, RowPayload{Label: r.Label, Count: r.Count})
			}
			p.Summary.Sections = append(p.Summary.Sections, sp)
		}
		return p
	}
	if n := msg.Notice; n != nil {
		p.Kind, p.Notice = notify.KindNotice, &NoticePayload{Title: n.Title, Lines: append([]string{}, n.Lines...)}
		return p
	}
	switch {
	case msg.Followup != nil:
		p.Kind = msg.Followup.Kind
	case len(msg.Alerts) > 1:
		p.Kind = notify.KindDigest
	}
	for _, a := range msg.Alerts {
		l := a.Lead
		if mask {
			l = l.Masked()
		}
		ap := AlertPayload{Route: a.Route, Lead: leadPayload(&l)}
		if markLink != nil {
			ap.MarkURL = markLink(a.Lead.ID)
		}
		if m := a.Assignee; m != nil {
			ap.Assignee = &Assignee{Name: m.Name, Mobile: m.Mobile, WeComUserID: m.WeComUserID, FeishuOpenID: m.FeishuOpenID}
		}
		p.Alerts = append(p.Alerts, ap)
	}
	return p
}

func leadPayload(l *transform.Lead) LeadPayload {
	form := make(map[string]string, len(l.Answers))
	for _, a := range l.Answers {
		form[a.Label] = a.Value
	}
	return LeadPayload{ID: l.ID, AdvertiserID: l.AdvertiserID, AccountName: l.AccountName,
		UserName: l.UserName, Phone: l.Phone, PageID: l.PageID, PageName: l.PageName,
		SourceURL: l.SourceURL, IntentionID: l.IntentionID, Intention: l.IntentionLabel,
		SourceType: l.SourceTypeLabel, Province: l.Province, City: l.City, Store: l.Store,
		CreateTime: timeText(l.CreateTime), UpdateTime: timeText(l.UpdateTime), Form: form}
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// Marshal encodes p without HTML escaping (so < and & stay readable).
func Marshal(p *Payload) ([]byte, error) {
	if p.Summary == nil && p.Notice == nil && len(p.Alerts) == 0 {
		return nil, errors.New("the message holds no lead and no summary")
	}
	return notify.EncodeJSON(p)
}
