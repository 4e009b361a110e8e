package notify

// The views are what templates see: a lead, a digest of several, the
// daily summary, and a reminder or an escalation (followup.go), every
// string escaped for the platform's markup.

// LeadView is one lead as a template sees it. Every string that came from the
// lead or the config is already escaped for the platform's markup, so a
// template prints it as it is and cannot forget to escape.
type LeadView struct {
	N         int // the lead's position in a digest, from 1
	ID        string
	Name      string // the submitter's name
	Phone     string // masked unless the receiver says mask_phone: false
	Page      string // the landing page's name
	Intention string
	Source    string // the source type: 表单, 智能电话, ...
	Province  string
	City      string
	Store     string
	Account   string // the configured account name
	Time      string // the collection time, 2006-01-02 15:04
	Short     string // the collection time, 01-02 15:04
	Route     string
	Assignee  string // the on-duty person's name; "" without round robin
	// Mention is the platform's markup that @s the assignee, made by code from
	// the route's member, never from lead text; "" when the platform cannot.
	Mention string
	Answers []AnswerView
	Omitted int // form answers left out to fit the platform's size limit
	// MarkURL is the lead's mark link (marklink), "" unless console.base_url
	// is set. Made by code from the base URL and a base64url token, so it
	// needs no escaping and is printed as it is.
	MarkURL string
}

// AnswerView is one form answer, escaped.
type AnswerView struct{ Label, Value string }

// DigestView is several leads in one message.
type DigestView struct {
	Count    int
	Receiver string
	Leads    []LeadView
}

// SummaryView is the daily numbers, escaped.
type SummaryView struct {
	Title    string
	Date     string
	Total    int
	Unrouted int
	Sections []SectionView
	FileName string
}

// NoticeView is an operator notice, escaped.
type NoticeView struct {
	Title string
	Lines []string
}

// SectionView is one breakdown of a summary; Omitted counts rows left out.
type SectionView struct {
	Title   string
	Rows    []RowView
	Omitted int
}

// RowView is one line of a breakdown.
type RowView struct {
	Label string
	Count int
}

// sampleData is what LoadTemplates tries a template of kind on: every field
// set, so a template that names a field views do not have fails at load time.
func sampleData(kind string) any {
	l := LeadView{N: 1, ID: "1", Name: "n", Phone: "p", Page: "p", Intention: "i",
		Source: "s", Province: "p", City: "c", Store: "s", Account: "a",
		Time: "2006-01-02 15:04", Short: "01-02 15:04", Route: "r", Assignee: "a",
		Mention: "@a", Answers: []AnswerView{{"l", "v"}}, Omitted: 1,
		MarkURL: "https://cluebot.example/m/x"}
	switch kind {
	case KindDigest:
		return DigestView{Count: 2, Receiver: "r", Leads: []LeadView{l, l}}
	case KindSummary:
		return SummaryView{Title: "t", Date: "2006-01-02", Total: 2, Unrouted: 1, FileName: "f",
			Sections: []SectionView{{Title: "t", Rows: []RowView{{"l", 1}}, Omitted: 1}}}
	case KindReminder:
		return ReminderView{Late: "15 分钟", Lead: l}
	case KindNotice:
		return NoticeView{Title: "t", Lines: []string{"l"}}
	case KindEscalation:
		return EscalationView{Late: "30 分钟", Count: 2, Receiver: "r",
			Assignees: []AssigneeView{{Name: "a", Count: 1, Leads: []LeadView{l}}, {Count: 1, Leads: []LeadView{l}}}}
	}
	return l
}

// leadView builds the escaped view of alert a under caps c.
func leadView(a *Alert, o *RenderOptions, c caps) LeadView {
	l := a.Lead
	if o.MaskPhone {
		l = l.Masked()
	}
	esc := func(s string, n int) string { return Escape(o.Markup, TruncateBytes(oneLine(s), n)) }
	f := c.fieldBytes
	v := LeadView{
		ID: esc(l.ID, f), Name: esc(l.UserName, f), Phone: esc(l.Phone, f),
		Page: esc(l.PageName, f), Intention: esc(l.IntentionLabel, f),
		Source: esc(l.SourceTypeLabel, f), Province: esc(l.Province, f),
		City: esc(l.City, f), Store: esc(l.Store, f), Account: esc(l.AccountName, f),
		Route: esc(a.Route, f),
	}
	if !l.CreateTime.IsZero() {
		v.Time = l.CreateTime.Format("2006-01-02 15:04")
		v.Short = l.CreateTime.Format("01-02 15:04")
	}
	if a.Assignee != nil {
		v.Assignee = esc(a.Assignee.Name, f)
		if o.Mention != nil {
			v.Mention = o.Mention(a.Assignee)
		}
	}
	if o.MarkLink != nil && a.Lead.ID != "" {
		v.MarkURL = o.MarkLink(a.Lead.ID)
	}
	for i, ans := range l.Answers {
		if c.answers >= 0 && i >= c.answers {
			v.Omitted = len(l.Answers) - i
			break
		}
		v.Answers = append(v.Answers, AnswerView{Label: esc(ans.Label, c.labelBytes), Value: esc(ans.Value, c.answerBytes)})
	}
	return v
}

// noticeView builds the escaped view of n under caps c.
func noticeView(n *Notice, o *RenderOptions, c caps) NoticeView {
	esc := func(t string, n int) string { return Escape(o.Markup, TruncateBytes(oneLine(t), n)) }
	v := NoticeView{Title: esc(n.Title, c.fieldBytes)}
	for _, l := range n.Lines {
		v.Lines = append(v.Lines, esc(l, c.labelBytes))
	}
	return v
}

// summaryView builds the escaped view of s under caps c.
func summaryView(s *Summary, o *RenderOptions, c caps) SummaryView {
	esc := func(t string, n int) string { return Escape(o.Markup, TruncateBytes(oneLine(t), n)) }
	v := SummaryView{Title: esc(s.Title, c.fieldBytes), Date: esc(s.Date, c.fieldBytes),
		Total: s.Total, Unrouted: s.Unrouted, FileName: esc(s.FileName, c.fieldBytes)}
	for _, sec := range s.Sections {
		sv := SectionView{Title: esc(sec.Title, c.fieldBytes)}
		for i, r := range sec.Rows {
			if c.rows >= 0 && i >= c.rows {
				sv.Omitted = len(sec.Rows) - i
				break
			}
			sv.Rows = append(sv.Rows, RowView{Label: esc(r.Label, c.labelBytes), Count: r.Count})
		}
		v.Sections = append(v.Sections, sv)
	}
	return v
}
