package clue

import (
	json "github.com/goccy/go-json"
)

// strictClue is the fast path of clue decoding: the vendor's documented
// shapes in native types, which the decoder fills without a method call per
// field. A record that does not fit (a number where a string belongs, an
// object where a list belongs) fails it and takes the lenient path instead.
// Its routed part, decoded alone by DecodeRouted, is embedded: each key is
// named once.
type strictClue struct {
	strictRouted
	UserID            json.Number     `json:"user_id"`
	GiveUpReason      string          `json:"give_up_reason"`
	SourceURL         string          `json:"source_url"`
	CreateTime        string          `json:"create_time"`
	UpdateTime        string          `json:"update_time"`
	ChildIntentionTag json.RawMessage `json:"child_intention_tag"`
	Schedule          struct {
		ID   int64  `json:"schedule_id"`
		Desc string `json:"schedule_desc"`
	} `json:"schedule"`
	Form struct {
		ID   json.Number `json:"id"`
		Name string      `json:"name"`
	} `json:"form"`
	ICC struct {
		PhoneName      string `json:"phone_name"`
		ToPhone        string `json:"to_phone"`
		FromPhone      string `json:"from_phone"`
		CallStartTime  string `json:"call_start_time"`
		CallAnswerTime string `json:"call_answer_time"`
		CallFinishTime string `json:"call_finish_time"`
		CallDuration   int64  `json:"call_duration"`
		ClueStat       int64  `json:"clue_stat"`
		CallStat       int64  `json:"call_stat"`
	} `json:"icc_info"`
}

// strictRouted is the part of strictClue a lead is routed and listed by:
// see DecodeRouted. Its part without the form answers is embedded.
type strictRouted struct {
	strictPlaced
	Details []struct {
		Key       string      `json:"key"`
		Value     string      `json:"value"`
		CompType  string      `json:"comp_type"`
		CustomID  string      `json:"custom_id"`
		StoreInfo strictStore `json:"store_info"`
	} `json:"details"`
}

// strictPlaced is strictRouted without the form answers, for a clue whose
// own store_info places it and rules that read no answer.
type strictPlaced struct {
	ID          json.Number `json:"id"`
	ClueTag     int64       `json:"clue_tag"`
	UserName    string      `json:"user_name"`
	Phone       string      `json:"phone"`
	PhoneStat   int64       `json:"phone_stat"`
	IntentionID int64       `json:"intention_id"`
	AccountID   json.Number `json:"account_id"`
	SourceType  int64       `json:"source_type"`
	PageID      json.Number `json:"page_id"`
	PageName    string      `json:"page_name"`
	SeaType     int64       `json:"sea_type"`
	BizID       int64       `json:"biz_id"`
	ChannelFlag int64       `json:"channel_flag"`
	ClueSource  struct {
		PageID     json.Number `json:"page_id"`
		PageName   string      `json:"page_name"`
		Callback   string      `json:"callback"`
		CampaignID json.Number `json:"dsp_campaign_id"`
		UnitID     json.Number `json:"dsp_unit_id"`
		CreativeID json.Number `json:"dsp_creative_id"`
	} `json:"clue_source"`
	StoreInfo strictStore `json:"store_info"`
}

type strictStore struct {
	StoreName   string `json:"store_name"`
	StoreNumber string `json:"store_number"`
	City        string `json:"city"`
	Province    string `json:"province"`
}

func (s strictStore) info() StoreInfo {
	return StoreInfo{Str(s.StoreName), Str(s.StoreNumber), Str(s.City), Str(s.Province)}
}

// numID turns a decoded number into an ID by the same rules as ID's decoder.
func numID(n json.Number) ID { return usableID(string(n)) }

// clue converts the strict form into the model.
func (s *strictClue) clue() Clue {
	c := s.strictRouted.clue()
	c.UserID, c.GiveUpReason, c.SourceURL = numID(s.UserID), Str(s.GiveUpReason), Str(s.SourceURL)
	c.CreateTime, c.UpdateTime = Str(s.CreateTime), Str(s.UpdateTime)
	c.ChildIntentionTag = objectOrList[ChildIntention](s.ChildIntentionTag)
	c.Schedule = Schedule{Int(s.Schedule.ID), Str(s.Schedule.Desc)}
	c.Form = Form{numID(s.Form.ID), Str(s.Form.Name)}
	c.ICC = ICCInfo{Str(s.ICC.PhoneName), Str(s.ICC.ToPhone), Str(s.ICC.FromPhone), Str(s.ICC.CallStartTime),
		Str(s.ICC.CallAnswerTime), Str(s.ICC.CallFinishTime), Int(s.ICC.CallDuration), Int(s.ICC.ClueStat), Int(s.ICC.CallStat)}
	return c
}

// clue converts the routed part into the model, the rest left zero.
func (s *strictRouted) clue() Clue {
	c := s.strictPlaced.clue()
	if len(s.Details) > 0 {
		c.Details = make([]Answer, len(s.Details))
		for i, d := range s.Details {
			c.Details[i] = Answer{Str(d.Key), Str(d.Value), Str(d.CompType), Str(d.CustomID), d.StoreInfo.info()}
		}
	}
	return c
}

// clue converts the routed part without answers into the model.
func (s *strictPlaced) clue() Clue {
	return Clue{
		ID: numID(s.ID), ClueTag: Int(s.ClueTag), UserName: Str(s.UserName), Phone: Str(s.Phone),
		PhoneStat: Int(s.PhoneStat), IntentionID: Int(s.IntentionID), AccountID: numID(s.AccountID),
		SourceType: Int(s.SourceType), PageID: numID(s.PageID), PageName: Str(s.PageName),
		SeaType: Int(s.SeaType), BizID: Int(s.BizID), ChannelFlag: Int(s.ChannelFlag),
		ClueSource: ClueSource{numID(s.ClueSource.PageID), Str(s.ClueSource.PageName), Str(s.ClueSource.Callback),
			numID(s.ClueSource.CampaignID), numID(s.ClueSource.UnitID), numID(s.ClueSource.CreativeID)},
		StoreInfo: s.StoreInfo.info(),
	}
}
