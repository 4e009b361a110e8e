package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue/cluetest"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// hugeStored is the sample clue made hostile by cluetest.HugeFields,
// routed to henan-hot.
func hugeStored(t *testing.T) store.Clue {
	t.Helper()
	set := cluetest.HugeFields()
	set["id"] = json.Number("197451604008536399")
	c := sampleClue(t, set)
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
			require.Equal(t, cluetest.HostileName, name, "exports are data: kept as sent")
			require.Equal(t, cluetest.HugeName, page, "no cut in a file for programs")
			require.Equal(t, "回答4999=SUM(A1)\u200b\u202e|138\u200b0013\u200b8000", form, "the full phone, as exports carry it")
		})
	}
}
