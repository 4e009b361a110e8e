package export

import (
	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// leadOf decodes a stored clue's raw JSON into its lead, as Leads does. A
// report must neither stop at nor skip a row whose raw JSON no longer
// decodes: that row is built from the store's normalized columns instead,
// and ok is false.
func leadOf(c *store.Clue, opts *transform.Options, names map[int64]string) (l transform.Lead, ok bool) {
	fc, err := clue.Decode(c.Raw)
	if err == nil {
		if fc.AdvertiserID == 0 {
			fc.AdvertiserID = c.AdvertiserID
		}
		l = transform.New(&fc, *opts)
		l.Province = firstNonEmpty(l.Province, c.Province)
		l.City = firstNonEmpty(l.City, c.City)
		l.Store = firstNonEmpty(l.Store, c.Store)
	} else {
		l = storedLead(c, opts)
	}
	nameAccount(&l, names)
	return l, err == nil
}

// storedLead is a lead made of the store's normalized columns.
func storedLead(c *store.Clue, opts *transform.Options) transform.Lead {
	zone := opts.Zone
	if zone == nil {
		zone = clue.VendorZone
	}
	l := transform.Lead{
		ID: c.ID, AdvertiserID: c.AdvertiserID, AccountName: opts.AccountName,
		UserName: c.UserName, Phone: c.Phone, PhoneMasked: transform.Mask(c.Phone),
		PageID: c.PageID, PageName: c.PageName,
		SourceType: c.SourceType, IntentionID: c.IntentionID, PhoneStat: c.PhoneStat,
		ClueTag: c.ClueTag, ScheduleID: c.ScheduleID,
		Province: c.Province, City: c.City, Store: c.Store,
		CreateTime: c.CreateTime.In(zone), UpdateTime: c.UpdateTime.In(zone),
	}
	l.SourceTypeLabel = clue.SourceTypeLabel(l.SourceType)
	l.IntentionLabel = clue.IntentionLabel(l.IntentionID)
	l.PhoneStatLabel = clue.PhoneStatLabel(l.PhoneStat)
	l.ClueTagLabel = clue.ClueTagLabel(l.ClueTag)
	l.ScheduleLabel = clue.ScheduleLabel(l.ScheduleID)
	return l
}

// rowBuilder fills one reused slice with a row's cell values.
type rowBuilder struct {
	cols []column
	vals []any
	ctx  rowCtx
}

func newRowBuilder(cols []column) *rowBuilder {
	return &rowBuilder{cols: cols, vals: make([]any, len(cols))}
}

// build returns the row of l; the slice is reused by the next call.
func (b *rowBuilder) build(l *transform.Lead, c *store.Clue) []any {
	b.ctx = rowCtx{l: l, c: c, account: l.AccountName}
	for i := range b.cols {
		b.vals[i] = b.cols[i].value(&b.ctx)
	}
	return b.vals
}
