package clue

// Status is what a lead's follow-up is read from: its call status,
// progress and intention codes.
type Status struct {
	PhoneStat   int64
	ScheduleID  int64
	IntentionID int64
}

// Worked reports whether a lead's status now, compared with first (how
// cluebot first stored it), shows it was followed up: phone_stat changed to
// a call outcome (101-110, or 201-210 as the platform judged it), schedule
// changed and left 新线索 (0; 待联系 reads as 0 too), or intention changed to
// something other than 未标记 (0) or 清洗中 (10).
func Worked(first, now Status) bool {
	callOutcome := (now.PhoneStat >= 101 && now.PhoneStat <= 110) || (now.PhoneStat >= 201 && now.PhoneStat <= 210)
	switch {
	case now.PhoneStat != first.PhoneStat && callOutcome:
		return true
	case now.ScheduleID != first.ScheduleID && now.ScheduleID != 0:
		return true
	}
	return now.IntentionID != first.IntentionID && now.IntentionID != 0 && now.IntentionID != 10
}
