package clue

import (
	"errors"

	json "github.com/goccy/go-json"
)

// Decode decodes one clue record: Clue.UnmarshalJSON as a function.
func Decode(b []byte) (Clue, error) {
	var c Clue
	err := c.UnmarshalJSON(b)
	return c, err
}

// DecodeRouted decodes what a lead is routed and listed by, for reading
// many stored clues at once (a rules replay): the id, account_id,
// user_name, phone, page_id, page_name, the enums but schedule
// (intention_id, phone_stat, clue_tag, source_type, sea_type, biz_id,
// channel_flag), clue_source, store_info and, when answers is true or the
// clue has no store_info to place it (see Clue.Store), details. Each of
// those fields and the error are what Decode gives for every record; the
// others may be left zero, Raw among them. Strings refer to b where they
// can: b must not change while the clue is used.
//
// A record whose routed part fits the strict shapes is decoded without the
// rest; any other takes Decode.
func DecodeRouted(b []byte, answers bool) (Clue, error) {
	var c Clue
	if !answers {
		var s strictPlaced
		if unmarshalShared(b, &s) != nil {
			return Decode(b)
		}
		c = s.clue()
	}
	if answers || c.StoreInfo.IsZero() {
		var s strictRouted
		if unmarshalShared(b, &s) != nil {
			return Decode(b)
		}
		c = s.clue()
	}
	if c.ID == "" {
		return c, ErrNoID
	}
	return c, nil
}

// ErrNoID is returned for a record that carries no usable id.
var ErrNoID = errors.New("clue has no id")

// clueAlias breaks the UnmarshalJSON recursion.
type clueAlias Clue

// clueWire decodes a record in one pass: the flat fields through the alias,
// the fields whose shape varies between vendor versions as raw JSON, each
// decoded on its own below.
type clueWire struct {
	clueAlias
	ChildIntentionTag json.RawMessage `json:"child_intention_tag"`
	Schedule          json.RawMessage `json:"schedule"`
	ClueSource        json.RawMessage `json:"clue_source"`
	Form              json.RawMessage `json:"form"`
	Details           json.RawMessage `json:"details"`
	ICC               json.RawMessage `json:"icc_info"`
	StoreInfo         json.RawMessage `json:"store_info"`
}

// answerAlias and answerWire do the same for a form answer.
type answerAlias Answer

type answerWire struct {
	answerAlias
	StoreInfo json.RawMessage `json:"store_info"`
}

// UnmarshalJSON decodes one clue leniently. It fails only when the record is
// not a JSON object or has no id; a bad nested value decodes to its zero value.
func (c *Clue) UnmarshalJSON(b []byte) error {
	var sc strictClue
	if unmarshal(b, &sc) == nil {
		*c = sc.clue()
		c.Raw = append(json.RawMessage(nil), b...)
		if c.ID == "" {
			return ErrNoID
		}
		return nil
	}
	var w clueWire
	if err := unmarshal(b, &w); err != nil {
		// A field of an unexpected shape (say details as an object) fails the
		// one-pass decode: fall back to the flat fields alone.
		var a clueAlias
		if err := unmarshal(b, &a); err != nil {
			return err
		}
		w = clueWire{clueAlias: a}
	}
	a := &w.clueAlias
	a.ChildIntentionTag = objectOrList[ChildIntention](w.ChildIntentionTag)
	object(w.Schedule, &a.Schedule)
	object(w.ClueSource, &a.ClueSource)
	object(w.Form, &a.Form)
	object(w.ICC, &a.ICC)
	object(w.StoreInfo, &a.StoreInfo)
	for _, aw := range objectOrList[answerWire](w.Details) {
		ans := Answer(aw.answerAlias)
		object(aw.StoreInfo, &ans.StoreInfo)
		a.Details = append(a.Details, ans)
	}
	a.Raw = append(json.RawMessage(nil), b...)
	*c = Clue(*a)
	if c.ID == "" {
		return ErrNoID
	}
	return nil
}
