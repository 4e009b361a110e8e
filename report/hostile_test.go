package report

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// hugeName is a page name over Excel's 32,767 characters a cell.
var hugeName = strings.Repeat("超长落地页", 8000)

// hugeStored is the sample clue with 5,000 form answers (a phone among
// them), a 40,000-character page name and a name full of bidi and
// zero-width characters.
func hugeStored(t *testing.T) store.Clue {
	t.Helper()
	details := []map[string]string{{"key": "下拉单选", "value": `["宝马2系","河南","郑州","二七区","哈登店"]`,
		"comp_type": transform.CascadeType}}
	for i := range 5000 {
		details = append(details, map[string]string{"key": fmt.Sprintf("问题%04d", i),
			"value": fmt.Sprintf("回答%d=SUM(A1)\u200b\u202e", i)})
	}
	details[4000] = map[string]string{"key": "手机", "value": "138\u200b0013\u200b8000", "comp_type": "电话"}
	c := variant(t, "197451604008536399", at("2024-05-01", "10:00:00"), map[string]any{
		"details": details, "page_name": hugeName, "user_name": "王\u202e先生👨\u200d👩\u200d👧"})
	return routed(c, []string{"henan-hot"}, []string{"张三"}, 1, 0, 0)
}

// utf16Len is the length Excel counts a cell's text in.
func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

func TestHugeLeadExportsXLSX(t *testing.T) {
	src := newMemSource(hugeStored(t))
	opts := reportOpts()
	opts.FormColumns = []string{"问题4999", "手机"}
	tests := []struct {
		name  string
		write func(w *bytes.Buffer) error
	}{
		{"export", func(w *bytes.Buffer) error {
			n, err := WriteRange(context.Background(), src, store.ClueFilter{}, opts, w)
			if err == nil {
				require.Equal(t, 1, n)
			}
			return err
		}},
		{"daily report", func(w *bytes.Buffer) error {
			_, err := Write(context.Background(), src, at("2024-05-01", "00:00:00"), opts, w)
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			start := time.Now()
			require.NoError(t, tc.write(&buf))
			require.Less(t, time.Since(start), 10*time.Second)
			f, err := excelize.OpenReader(&buf)
			require.NoError(t, err)
			defer func() { _ = f.Close() }()
			rows, err := f.GetRows(detailSheetName)
			require.NoError(t, err)
			require.Len(t, rows, 2)
			header := rows[0]
			formCell := cell(t, f, detailSheetName, header, 2, "表单")
			pageCell := cell(t, f, detailSheetName, header, 2, "落地页")
			for what, v := range map[string]string{"表单": formCell, "落地页": pageCell} {
				require.True(t, utf8.ValidString(v), what)
				require.LessOrEqual(t, utf16Len(v), excelize.TotalCellChars, what)
				require.Greater(t, utf16Len(v), excelize.TotalCellChars-100, "%s: cut at the limit, not emptied", what)
				require.True(t, strings.HasSuffix(v, truncatedMark), "%s: a cut cell says so", what)
			}
			require.True(t, strings.HasPrefix(formCell, "下拉单选: 宝马2系/河南/郑州/二七区/哈登店\n问题0000: "))
			require.Equal(t, "回答4999=SUM(A1)\u200b\u202e", cell(t, f, detailSheetName, header, 2, "问题4999"))
			require.Equal(t, "138\u200b0013\u200b8000", cell(t, f, detailSheetName, header, 2, "手机"))
			require.Equal(t, "王\u202e先生👨\u200d👩\u200d👧", cell(t, f, detailSheetName, header, 2, "姓名"))
		})
	}
}
