package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// hugeName is a page name over Excel's 32,767 characters a cell.
var hugeName = strings.Repeat("超长落地页", 8000)

// hugeStored is the sample clue with 5,000 form answers (a phone among
// them), a 40,000-character page name and a name full of bidi and
// zero-width characters, routed to henan-hot.
func hugeStored(t *testing.T) store.Clue {
	t.Helper()
	details := []map[string]string{{"key": "下拉单选", "value": `["宝马2系","河南","郑州","二七区","哈登店"]`,
		"comp_type": transform.CascadeType}}
	for i := range 5000 {
		details = append(details, map[string]string{"key": fmt.Sprintf("问题%04d", i),
			"value": fmt.Sprintf("回答%d=SUM(A1)\u200b\u202e", i)})
	}
	details[4000] = map[string]string{"key": "手机", "value": "138\u200b0013\u200b8000", "comp_type": "电话"}
	c := sampleClue(t, map[string]any{"id": json.Number("197451604008536399"),
		"details": details, "page_name": hugeName, "user_name": "王\u202e先生👨\u200d👩\u200d👧"})
	c.Routes = []string{"henan-hot"}
	return c
}

func TestHugeLeadExportsLines(t *testing.T) {
	src := sliceSource{hugeStored(t)}
	for _, format := range []string{"jsonl", "csv"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := NewWriter(format, &buf)
			require.NoError(t, err)
			start := time.Now()
			err = Leads(context.Background(), src, store.ClueFilter{}, transform.Options{Zone: shanghai, Fields: sampleFields},
				func(l *transform.Lead, c *store.Clue) error {
					r := NewRecord(l, c.Routes)
					return w.Write(&r)
				})
			require.NoError(t, err)
			require.NoError(t, w.Close())
			require.Less(t, time.Since(start), 5*time.Second)
			require.True(t, utf8.Valid(buf.Bytes()))
			var name, page, form string
			if format == "jsonl" {
				var r Record
				require.NoError(t, json.Unmarshal(buf.Bytes(), &r))
				require.Len(t, r.Form, 5001)
				name, page, form = r.UserName, r.PageName, r.Form["问题4999"]+"|"+r.Form["手机"]
			} else {
				rows, err := csv.NewReader(&buf).ReadAll()
				require.NoError(t, err)
				require.Len(t, rows, 2)
				lines := strings.Split(rows[1][23], "\n")
				require.Len(t, lines, 5001)
				name, page = rows[1][3], rows[1][6]
				form = strings.TrimPrefix(lines[5000], "问题4999: ") + "|" + strings.TrimPrefix(lines[1], "手机: ")
			}
			require.Equal(t, "王\u202e先生👨\u200d👩\u200d👧", name, "exports are data: kept as sent")
			require.Equal(t, hugeName, page, "no cut in a file for programs")
			require.Equal(t, "回答4999=SUM(A1)\u200b\u202e|138\u200b0013\u200b8000", form, "the full phone, as exports carry it")
		})
	}
}
