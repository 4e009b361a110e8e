package notify

import (
	"fmt"
	"time"
)

// Followup makes a message about leads not followed up in time: a reminder
// of one lead to its group, @ its assignee, or an escalation of several to
// the managers, grouped by assignee.
type Followup struct {
	Kind string // KindReminder or KindEscalation
	// Late is how long the leads have gone without a follow-up: the route's
	// followup.within for a reminder, escalate.after for an escalation.
	Late time.Duration
}

// ReminderView is a lead not followed up in time, as the reminder's
// template sees it: .Lead.Mention @s its assignee.
type ReminderView struct {
	Late string // how long, like "15 分钟"
	Lead LeadView
}

// EscalationView is the leads not followed up in time, for the managers,
// grouped by assignee in the order they first appear. It @s no one.
type EscalationView struct {
	Late      string // how long, like "30 分钟"
	Count     int    // leads in all
	Receiver  string
	Assignees []AssigneeView
}

// AssigneeView is one assignee's leads in an escalation; Name is "" for
// leads that had no one on duty.
type AssigneeView struct {
	Name  string
	Count int
	Leads []LeadView
}

// followupView builds the view of a reminder or an escalation, with the
// mentions the message must carry.
func followupView(msg *Message, o *RenderOptions, c caps) (string, any, []string, error) {
	f := msg.Followup
	late := lateText(f.Late)
	switch {
	case len(msg.Alerts) == 0:
		return "", nil, nil, fmt.Errorf("render: the %s holds no lead", f.Kind)
	case f.Kind == KindReminder && len(msg.Alerts) == 1:
		v := leadView(&msg.Alerts[0], o, c)
		v.N = 1
		return KindReminder, ReminderView{Late: late, Lead: v}, appendMention(nil, v.Mention), nil
	case f.Kind == KindReminder:
		return "", nil, nil, fmt.Errorf("render: a reminder is of one lead, not %d", len(msg.Alerts))
	case f.Kind != KindEscalation:
		return "", nil, nil, fmt.Errorf("render: a followup message is a reminder or an escalation, not %q", f.Kind)
	}
	v := EscalationView{Late: late, Count: len(msg.Alerts), Receiver: Escape(o.Markup, msg.Receiver)}
	group := map[string]int{} // assignee name → index in v.Assignees
	for i := range msg.Alerts {
		a := &msg.Alerts[i]
		name := ""
		if a.Assignee != nil {
			name = a.Assignee.Name
		}
		// No mention (an escalation @s no one), but each lead's mark link.
		lv := leadView(a, &RenderOptions{Platform: o.Platform, Markup: o.Markup, MaskPhone: o.MaskPhone,
			MarkLink: o.MarkLink}, c)
		lv.N = i + 1
		k, ok := group[name]
		if !ok {
			k = len(v.Assignees)
			group[name] = k
			v.Assignees = append(v.Assignees, AssigneeView{Name: lv.Assignee})
		}
		v.Assignees[k].Count++
		v.Assignees[k].Leads = append(v.Assignees[k].Leads, lv)
	}
	return KindEscalation, v, nil, nil
}

// lateText says a follow-up time in Chinese, as the messages print it:
// "20 秒" (under a minute), "15 分钟", "2 小时", "1 小时 30 分钟", "3 天".
func lateText(d time.Duration) string {
	if s := d.Round(time.Second); s < time.Minute {
		return fmt.Sprintf("%d 秒", int64(max(s, time.Second)/time.Second))
	}
	m := int64(d.Round(time.Minute) / time.Minute)
	switch {
	case m < 60:
		return fmt.Sprintf("%d 分钟", m)
	case m%(24*60) == 0:
		return fmt.Sprintf("%d 天", m/(24*60))
	case m%60 == 0:
		return fmt.Sprintf("%d 小时", m/60)
	}
	return fmt.Sprintf("%d 小时 %d 分钟", m/60, m%60)
}
