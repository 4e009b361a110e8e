package clue

import (
	"errors"
	"fmt"
	"strings"
)

// MarkSchedule is a progress code of the clue_mark/update call (its
// schedule_id). Its table differs from the list's schedule: a mark made
// with 1 (电话已建联) shows in the list as the clue's schedule afterwards.
type MarkSchedule int64

// The progress codes of clue_mark/update.
const (
	MarkToContact     MarkSchedule = 0  // 待联系
	MarkConnected     MarkSchedule = 1  // 电话已建联
	MarkHighIntent    MarkSchedule = 2  // 高意向
	MarkWeChat        MarkSchedule = 3  // 微信加粉
	MarkDeal          MarkSchedule = 4  // 成交
	MarkKeepFollowing MarkSchedule = 5  // 待持续跟进
	MarkUserChatted   MarkSchedule = 6  // 用户开口聊天
	MarkDialed        MarkSchedule = 7  // 已拨打
	MarkNoIntent      MarkSchedule = 8  // 无意向
	MarkDeposit       MarkSchedule = 9  // 交定金
	MarkVisited       MarkSchedule = 11 // 到店
)

// CallStat is the call_stat of clue_mark/update: 0-3 are follow-up states,
// 101-109 call outcomes as in the list's phone_stat. It is not the list's
// phone_stat, which has no 1-3 of this meaning and adds system-judged codes.
type CallStat int64

// The follow-up states of clue_mark/update's call_stat.
const (
	CallUnmarked  CallStat = 0 // 未标记
	CallToFollow  CallStat = 1 // 待跟进
	CallFollowing CallStat = 2 // 跟进中
	CallFollowed  CallStat = 3 // 已跟进
)

// The code tables of clue_mark/update, kept apart from the list's.
var (
	// MarkSchedules labels clue_mark/update's schedule_id.
	MarkSchedules = NewEnum("mark_schedule", map[int64]string{
		0: "待联系", 1: "电话已建联", 2: "高意向", 3: "微信加粉", 4: "成交", 5: "待持续跟进",
		6: "用户开口聊天", 7: "已拨打", 8: "无意向", 9: "交定金", 11: "到店",
	})
	// CallStats labels clue_mark/update's call_stat.
	CallStats = NewEnum("call_stat", callStatTable())
	// MarkChildIntentions labels clue_mark/update's child_intention_id: the
	// list's sub-tags and four more.
	MarkChildIntentions = NewEnum("mark_child_intention", markChildTable())
)

func callStatTable() map[int64]string {
	t := map[int64]string{0: "未标记", 1: "待跟进", 2: "跟进中", 3: "已跟进"}
	for code := int64(101); code <= 109; code++ {
		t[code] = PhoneStats.Label(code)
	}
	return t
}

func markChildTable() map[int64]string {
	t := map[int64]string{11: "年龄不符", 12: "地域不符", 13: "多次未建联", 14: "成交付费"}
	for code := int64(1); code <= 9; code++ {
		t[code] = ChildIntentions.Label(code)
	}
	return t
}

// Update is a change written to one clue in the vendor's CRM with
// clue_mark/update. A nil or empty field is left as the vendor has it.
type Update struct {
	Schedule        *MarkSchedule
	ChildIntentions []int64
	CallStat        *CallStat
}

// ContactedUpdate is what a lead marked 已联系 in cluebot writes back:
// schedule_id 1 电话已建联 and call_stat 3 已跟进.
func ContactedUpdate() Update {
	s, c := MarkConnected, CallFollowed
	return Update{Schedule: &s, CallStat: &c}
}

// InvalidUpdate is what a lead marked 无效 in cluebot writes back:
// schedule_id 8 无意向.
func InvalidUpdate() Update {
	s := MarkNoIntent
	return Update{Schedule: &s}
}

// ErrEmptyUpdate is returned by Validate for an update that changes nothing.
var ErrEmptyUpdate = errors.New("update changes nothing")

// Validate reports an update that changes nothing or carries a code the
// vendor's tables do not have.
func (u Update) Validate() error {
	switch {
	case u.Schedule == nil && u.CallStat == nil && len(u.ChildIntentions) == 0:
		return ErrEmptyUpdate
	case u.Schedule != nil && !MarkSchedules.Known(int64(*u.Schedule)):
		return fmt.Errorf("schedule_id %d is not a progress code of clue_mark/update", *u.Schedule)
	case u.CallStat != nil && !CallStats.Known(int64(*u.CallStat)):
		return fmt.Errorf("call_stat %d is not a call status of clue_mark/update", *u.CallStat)
	}
	for _, id := range u.ChildIntentions {
		if !MarkChildIntentions.Known(id) {
			return fmt.Errorf("child_intention_id %d is not a sub-tag of clue_mark/update", id)
		}
	}
	return nil
}

// String describes the update with codes and labels, for logs and pages:
// "schedule_id 1 电话已建联, call_stat 3 已跟进".
func (u Update) String() string {
	var parts []string
	if u.Schedule != nil {
		parts = append(parts, fmt.Sprintf("schedule_id %d %s", *u.Schedule, MarkSchedules.Label(int64(*u.Schedule))))
	}
	for _, id := range u.ChildIntentions {
		parts = append(parts, fmt.Sprintf("child_intention_id %d %s", id, MarkChildIntentions.Label(id)))
	}
	if u.CallStat != nil {
		parts = append(parts, fmt.Sprintf("call_stat %d %s", *u.CallStat, CallStats.Label(int64(*u.CallStat))))
	}
	if len(parts) == 0 {
		return "no change"
	}
	return strings.Join(parts, ", ")
}
