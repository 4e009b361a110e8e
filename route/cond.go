package route

import (
	"sort"

	"github.com/cluebot/cluebot/transform"
)

// field is the part of a lead a condition reads.
type field uint8

const (
	fAdvertiserID field = iota
	fPageID
	fPageName
	fProvince
	fCity
	fStore
	fCampaignID
	fUnitID
	fCreativeID
	fIntention
	fSourceType
	fChannelFlag
	fClueTag
	fBizID
	fSeaType
	fPhoneStat
	fForm
)

// keys maps every match key of rules.yaml to the field it reads.
var keys = map[string]field{
	"advertiser_id": fAdvertiserID,
	"page_id":       fPageID,
	"page_name":     fPageName,
	"province":      fProvince,
	"city":          fCity,
	"store":         fStore,
	"campaign_id":   fCampaignID,
	"unit_id":       fUnitID,
	"creative_id":   fCreativeID,
	"intention":     fIntention,
	"source_type":   fSourceType,
	"channel_flag":  fChannelFlag,
	"clue_tag":      fClueTag,
	"biz_id":        fBizID,
	"sea_type":      fSeaType,
	"phone_stat":    fPhoneStat,
	"form":          fForm,
}

// MatchKeys returns every key a match or not mapping accepts, sorted.
func MatchKeys() []string {
	out := make([]string, 0, len(keys))
	for k := range keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// cond is one key of a match or not mapping: it holds when the lead's value
// is one of codes or matches one of the string patterns.
type cond struct {
	field field
	label string // the form answer's label, for fForm
	codes []int64
	str   strSet
}

// holds reports whether the condition takes the lead.
func (c *cond) holds(v *view) bool {
	switch {
	case c.field == fForm:
		return c.formHolds(v.l.Answers)
	case c.field == fAdvertiserID:
		return hasCode(c.codes, v.l.AdvertiserID) || (!c.str.empty() && c.str.match(v.advText))
	case c.field >= fIntention:
		return hasCode(c.codes, codeValue(v.l, c.field))
	}
	return c.str.match(strValue(v.l, c.field))
}

// strValue returns a string field of the lead (fPageID to fCreativeID).
func strValue(l *transform.Lead, f field) string {
	switch f {
	case fPageID:
		return l.PageID
	case fPageName:
		return l.PageName
	case fProvince:
		return l.Province
	case fCity:
		return l.City
	case fStore:
		return l.Store
	case fCampaignID:
		return l.CampaignID
	case fUnitID:
		return l.UnitID
	case fCreativeID:
		return l.CreativeID
	}
	return ""
}

// codeValue returns a numeric field of the lead (advertiser id and enums).
func codeValue(l *transform.Lead, f field) int64 {
	switch f {
	case fAdvertiserID:
		return l.AdvertiserID
	case fIntention:
		return l.IntentionID
	case fSourceType:
		return l.SourceType
	case fChannelFlag:
		return l.ChannelFlag
	case fClueTag:
		return l.ClueTag
	case fBizID:
		return l.BizID
	case fSeaType:
		return l.SeaType
	case fPhoneStat:
		return l.PhoneStat
	}
	return 0
}

// formHolds: some answer with the label has a value, or for a cascade one
// level, that matches.
func (c *cond) formHolds(answers []transform.Answer) bool {
	for i := range answers {
		a := &answers[i]
		if a.Label != c.label {
			continue
		}
		if c.str.match(a.Value) {
			return true
		}
		for _, lv := range a.Levels {
			if c.str.match(lv) {
				return true
			}
		}
	}
	return false
}

func hasCode(codes []int64, code int64) bool {
	for _, c := range codes {
		if c == code {
			return true
		}
	}
	return false
}

// cost ranks conditions so the cheap ones are tried first.
func (c *cond) cost() int {
	switch {
	case c.field == fForm:
		return 5 + c.str.cost()
	case c.str.empty():
		return 1
	}
	return c.str.cost()
}

// byCost orders conditions cheapest first; all must hold (or, for not, any
// rejects), so the order changes only speed, never the outcome.
func byCost(cs []cond) {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].cost() < cs[j].cost() })
}
