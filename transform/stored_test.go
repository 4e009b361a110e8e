package transform

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/store"
)

// storedSample is the vendor's sample clue as the sync stores it, pulled
// for advertiser 7 (its own account_id is 20006545), with the place columns
// of an older field mapping.
func storedSample(t *testing.T) *store.Clue {
	t.Helper()
	c := sampleClue(t)
	return &store.Clue{ID: c.ID.String(), AdvertiserID: 7, Raw: c.Raw,
		CreateTime: c.Created(), UpdateTime: c.Updated(),
		UserName: "旧名", Phone: "13800138000", PageID: "1", PageName: "旧页",
		IntentionID: 3, PhoneStat: 201, SourceType: 2, ClueTag: 1, ScheduleID: 4,
		Province: "河北", City: "石家庄", Store: "旧店"}
}

func TestFromStored(t *testing.T) {
	names := map[int64]string{7: "郑州宝马", 20006545: "按 account_id"}
	tests := []struct {
		name string
		row  func(*store.Clue)
		opts Options
		want func(t *testing.T, l Lead, err error)
	}{
		{"the raw JSON wins, the row names the advertiser", nil, Options{Fields: sampleFields, AccountNames: names},
			func(t *testing.T, l Lead, err error) {
				require.NoError(t, err)
				require.Equal(t, int64(7), l.AdvertiserID, "the advertiser the clue was pulled for")
				require.Equal(t, "郑州宝马", l.AccountName)
				require.Equal(t, "旧表单打点1", l.UserName)
				require.Equal(t, "河南", l.Province, "the mapping finds the place in the form")
				require.Equal(t, "郑州", l.City)
				require.Equal(t, "哈登店", l.Store)
			}},
		{"stored places fill what the mapping leaves empty", nil, Options{AccountNames: names},
			func(t *testing.T, l Lead, err error) {
				require.NoError(t, err)
				require.Equal(t, []string{"河北", "石家庄", "旧店"}, []string{l.Province, l.City, l.Store})
			}},
		{"without a stored advertiser, the clue's account_id", func(r *store.Clue) { r.AdvertiserID = 0 }, Options{AccountNames: names},
			func(t *testing.T, l Lead, err error) {
				require.NoError(t, err)
				require.Equal(t, int64(20006545), l.AdvertiserID)
				require.Equal(t, "按 account_id", l.AccountName)
			}},
		{"bad raw JSON: the columns, and an error naming the clue", func(r *store.Clue) { r.Raw = []byte(`{"id":`) },
			Options{Zone: time.UTC, Fields: sampleFields, AccountNames: names},
			func(t *testing.T, l Lead, err error) {
				require.EqualError(t, err, "decode stored clue 197451604008536386: unexpected end of JSON input")
				require.Equal(t, "197451604008536386", l.ID)
				require.Equal(t, int64(7), l.AdvertiserID)
				require.Equal(t, "郑州宝马", l.AccountName)
				require.Equal(t, "旧名", l.UserName)
				require.Equal(t, "138****8000", l.PhoneMasked)
				require.Equal(t, "旧页", l.PageName)
				require.Equal(t, clue.IntentionLabel(3), l.IntentionLabel)
				require.Equal(t, clue.PhoneStatLabel(201), l.PhoneStatLabel)
				require.Equal(t, clue.SourceTypeLabel(2), l.SourceTypeLabel)
				require.Equal(t, clue.ClueTagLabel(1), l.ClueTagLabel)
				require.Equal(t, clue.ScheduleLabel(4), l.ScheduleLabel)
				require.Equal(t, []string{"河北", "石家庄", "旧店"}, []string{l.Province, l.City, l.Store})
				require.Equal(t, time.UTC, l.CreateTime.Location())
			}},
		{"a raw record without an id is no clue", func(r *store.Clue) { r.Raw = []byte(`{"user_name":"x"}`) }, Options{},
			func(t *testing.T, l Lead, err error) {
				require.ErrorIs(t, err, clue.ErrNoID)
				require.Equal(t, "旧名", l.UserName)
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			row := storedSample(t)
			if tc.row != nil {
				tc.row(row)
			}
			l, err := FromStored(row, tc.opts)
			tc.want(t, l, err)
		})
	}
}

func TestFromClueWithoutARowIsNew(t *testing.T) {
	c := sampleClue(t)
	opts := Options{Zone: shanghai(t), Fields: sampleFields, AccountNames: map[int64]string{20006545: "郑州宝马"}}
	require.Equal(t, New(&c, opts), FromClue(&c, nil, opts))
	require.Zero(t, c.AdvertiserID, "FromClue leaves the clue as it was")
	FromClue(&c, storedSample(t), opts)
	require.Zero(t, c.AdvertiserID, "FromClue leaves the clue as it was")
}
