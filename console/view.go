package console

import (
	"context"
	"strconv"
	"time"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// leadView is a lead as the API answers it and the pages show it.
type leadView struct {
	ID         string         `json:"id"`
	UserName   string         `json:"user_name"`
	Phone      string         `json:"phone"`
	PageName   string         `json:"page_name"`
	CreateTime time.Time      `json:"create_time"`
	Routes     []string       `json:"routes"`
	Assignees  []string       `json:"assignees"`
	Followup   followupView   `json:"followup"`
	Deliveries []deliveryView `json:"deliveries"`
	History    []historyView  `json:"history,omitzero"` // one lead's, [] when none; absent from a list
}

// followupView is whether someone followed the lead up: "done" once it is
// marked (by whom, when) or worked on at the vendor; else, by its follow-up
// timers, "overdue" past a reminder or escalation time, "open" before, or
// "none" when no route asks for a follow-up. By and At are always in the
// JSON, as the contract lists them: "" and null until someone marks it (By)
// or it is followed up (At).
type followupView struct {
	State  string     `json:"state"`
	Status string     `json:"status,omitempty"` // the mark: contacted | invalid
	By     string     `json:"by"`               // "" unless someone marked it
	At     *time.Time `json:"at"`               // null until followed up
}

// deliveryView is one outbox row of a lead, or of the deliveries list.
type deliveryView struct {
	ID       string     `json:"id"` // a string, as every id in the JSON
	LeadID   string     `json:"lead_id,omitempty"`
	Route    string     `json:"route"`
	Receiver string     `json:"receiver"`
	Kind     string     `json:"kind"`
	State    string     `json:"state"`
	Attempts int        `json:"attempts"`
	Error    string     `json:"error"`
	SentAt   *time.Time `json:"sent_at"` // null until sent
}

// historyView is what a lead was before one of its changes.
type historyView struct {
	ChangedAt  time.Time `json:"changed_at"`
	UpdateTime time.Time `json:"update_time"`
	Intention  string    `json:"intention"`
	PhoneStat  string    `json:"phone_stat"`
	Schedule   string    `json:"schedule"`
}

// phoneFor shows a phone as role may see it: whole to admins, masked to
// everyone else.
func phoneFor(role, phone string) string {
	if role == store.RoleAdmin {
		return phone
	}
	return transform.Mask(phone)
}

// leadViews builds the views of clues with their marks and deliveries, in
// zone, the phones as role may see them.
func (c *Console) leadViews(ctx context.Context, clues []store.Clue, role string) ([]leadView, error) {
	ids := make([]string, len(clues))
	for i := range clues {
		ids[i] = clues[i].ID
	}
	marks, err := c.st.Marks(ctx, ids)
	if err != nil {
		return nil, err
	}
	outbox, err := c.st.OutboxOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]leadView, 0, len(clues))
	for i := range clues {
		cl := &clues[i]
		items := outbox[cl.ID]
		v := leadView{ID: cl.ID, UserName: cl.UserName, Phone: phoneFor(role, cl.Phone), PageName: cl.PageName,
			CreateTime: cl.CreateTime.In(c.zone), Routes: nonNil(cl.Routes), Assignees: nonNil(cl.Assignees),
			Followup: followupView{State: "none"}, Deliveries: make([]deliveryView, 0, len(items))}
		if m, ok := marks[cl.ID]; ok {
			at := m.At.In(c.zone)
			v.Followup = followupView{State: "done", Status: m.Status, By: m.By, At: &at}
		} else if v.Followup, err = c.followup(ctx, cl.ID); err != nil {
			return nil, err
		}
		for _, it := range items {
			v.Deliveries = append(v.Deliveries, c.deliveryView(it, false))
		}
		out = append(out, v)
	}
	return out, nil
}

// deliveryView is the view of an outbox row; withLead names its lead.
func (c *Console) deliveryView(it store.OutboxItem, withLead bool) deliveryView {
	d := deliveryView{ID: strconv.FormatInt(it.ID, 10), Route: it.Route, Receiver: it.Receiver, Kind: it.Kind, State: it.State,
		Attempts: it.Attempts, Error: it.LastError}
	if d.Kind == "" {
		d.Kind = store.KindAlert
	}
	if withLead {
		d.LeadID = it.ClueID
	}
	if !it.SentAt.IsZero() {
		at := it.SentAt.In(c.zone)
		d.SentAt = &at
	}
	return d
}

// historyViews labels a lead's history entries.
func (c *Console) historyViews(hs []store.HistoryEntry) []historyView {
	out := make([]historyView, 0, len(hs))
	for _, h := range hs {
		out = append(out, historyView{ChangedAt: h.ChangedAt.In(c.zone), UpdateTime: h.UpdateTime.In(c.zone),
			Intention: clue.IntentionLabel(h.IntentionID), PhoneStat: clue.PhoneStatLabel(h.PhoneStat),
			Schedule: clue.ScheduleLabel(h.ScheduleID)})
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// followup is the follow-up state of an unmarked lead by its timers: done
// when any route's timer is, overdue when one is past due, else open; none
// without a scheduled timer.
func (c *Console) followup(ctx context.Context, id string) (followupView, error) {
	fs, err := c.st.ClueFollowups(ctx, id)
	if err != nil {
		return followupView{}, err
	}
	now, v := c.clock.Now(), followupView{State: "none"}
	for i := range fs {
		f := &fs[i]
		switch {
		case !f.Scheduled:
		case !f.DoneAt.IsZero():
			at := f.DoneAt.In(c.zone)
			return followupView{State: "done", At: &at}, nil
		case pastDue(f.RemindDue, now) || pastDue(f.EscalateDue, now):
			v.State = "overdue"
		case v.State == "none":
			v.State = "open"
		}
	}
	return v, nil
}

// pastDue reports whether a due time is set and has passed at now.
func pastDue(due, now time.Time) bool { return !due.IsZero() && !now.Before(due) }
