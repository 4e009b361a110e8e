package transform

import (
	"fmt"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/store"
)

// FromStored builds the lead of a stored clue: its raw JSON decoded and
// built by FromClue. It is the one path from a stored clue to a lead, for
// alerts, reports, exports and previews alike. When the raw JSON no longer
// decodes it returns the lead made of the row's columns alone (ids, names,
// codes with their labels, places and times) together with an error naming
// the clue, so that each caller states its policy: the report keeps the
// row, an export or an alert fails.
func FromStored(row *store.Clue, opts Options) (Lead, error) {
	return fromStored(row, opts, clue.Decode)
}

// RoutedFromStored is FromStored for a reader that routes many stored
// clues and keeps none (a rules replay): the same lead, by the same path,
// from clue.DecodeRouted, so that what routing reads and the lead's id,
// user name and phone are FromStored's while the rest may be left empty.
// Answers are among what routing reads when answers is true (rules with
// form conditions: see route.Rules.ReadsAnswers) or opts maps fields to
// answers; otherwise they may be left empty too. It reads only row's ID,
// AdvertiserID, Province, City, Store and Raw (see store.Store's
// IterateRoutingRows); when it fails, the lead it returns is of those
// alone. Its strings may refer to row.Raw: copy any that outlive it.
func RoutedFromStored(row *store.Clue, opts Options, answers bool) (Lead, error) {
	answers = answers || opts.Fields != Fields{}
	return fromStored(row, opts, func(b []byte) (clue.Clue, error) { return clue.DecodeRouted(b, answers) })
}

func fromStored(row *store.Clue, opts Options, decode func([]byte) (clue.Clue, error)) (Lead, error) {
	c, err := decode(row.Raw)
	if err != nil {
		return fromColumns(row, opts), fmt.Errorf("decode stored clue %s: %w", row.ID, err)
	}
	return FromClue(&c, row, opts), nil
}

// FromClue builds the lead of a decoded clue as it is stored in row: the
// advertiser it was pulled for comes from the row when the clue does not
// carry it, and the row's province, city and store (normalized at sync,
// perhaps by an older field mapping) fill what the clue's own store_info and
// opts' mapping leave empty. row is nil for a clue that was never stored (a
// file); row is only read.
func FromClue(c *clue.Clue, row *store.Clue, opts Options) Lead {
	if row == nil {
		return New(c, opts)
	}
	adv := c.AdvertiserID
	if adv == 0 {
		adv = row.AdvertiserID
	}
	l := build(c, adv, opts)
	l.Province = first(l.Province, row.Province)
	l.City = first(l.City, row.City)
	l.Store = first(l.Store, row.Store)
	return l
}

// fromColumns is the lead of the store's normalized columns alone.
func fromColumns(row *store.Clue, opts Options) Lead {
	zone := opts.Zone
	if zone == nil {
		zone = clue.VendorZone
	}
	l := Lead{
		ID: row.ID, AdvertiserID: row.AdvertiserID, AccountName: opts.AccountNames[row.AdvertiserID],
		UserName: row.UserName, Phone: row.Phone, PhoneMasked: Mask(row.Phone),
		PageID: row.PageID, PageName: row.PageName,
		SourceType: row.SourceType, IntentionID: row.IntentionID, PhoneStat: row.PhoneStat,
		ClueTag: row.ClueTag, ScheduleID: row.ScheduleID,
		Province: row.Province, City: row.City, Store: row.Store,
		CreateTime: row.CreateTime.In(zone), UpdateTime: row.UpdateTime.In(zone),
	}
	l.SourceTypeLabel = clue.SourceTypeLabel(l.SourceType)
	l.IntentionLabel = clue.IntentionLabel(l.IntentionID)
	l.PhoneStatLabel = clue.PhoneStatLabel(l.PhoneStat)
	l.ClueTagLabel = clue.ClueTagLabel(l.ClueTag)
	l.ScheduleLabel = clue.ScheduleLabel(l.ScheduleID)
	return l
}
