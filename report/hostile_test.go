package report

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/cluebot/cluebot/clue/cluetest"
	"github.com/cluebot/cluebot/store"
)

// hugeStored is the sample clue made hostile by cluetest.HugeFields.
func hugeStored(t *testing.T) store.Clue {
	t.Helper()
	c := variant(t, "197451604008536399", at("2024-05-01", "10:00:00"), cluetest.HugeFields())
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
			require.Equal(t, cluetest.HostileName, cell(t, f, detailSheetName, header, 2, "姓名"))
		})
	}
}
