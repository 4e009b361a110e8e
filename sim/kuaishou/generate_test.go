package kuaishou

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	vendor "github.com/cluebot/cluebot/clue"
)

func TestGenerateDeterministic(t *testing.T) {
	from, to := t0.Add(-48*time.Hour), t0
	run := func(seed int64) (*Server, []string) {
		s := New(Options{Seed: seed})
		a := s.Generate(testAdv, 200, from, to)
		b := s.Generate(testAdv+1, 50, from, to)
		return s, append(a, b...)
	}
	cases := []struct {
		name string
		seed int64
		same bool
	}{
		{"same seed, same clues", 1, true},
		{"other seed, other clues", 2, false},
	}
	ref, refIDs := run(1)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, got := run(tc.seed)
			if !tc.same {
				require.NotEqual(t, refIDs, got)
				return
			}
			require.Equal(t, refIDs, got)
			require.Equal(t, ref.IDs(testAdv), s.IDs(testAdv))
			for _, id := range got {
				a, _ := ref.Get(id)
				b, _ := s.Get(id)
				require.Equal(t, a, b)
			}
		})
	}
}

var (
	phoneRE = regexp.MustCompile(`^1[3-9]\d{9}$`)
	idRE    = regexp.MustCompile(`^[1-9](\d{17,18}|\d{21})$`)
)

// regionOK reports whether province/city/store come from the table.
func regionOK(province, city, store string) bool {
	for _, c := range cities {
		if c.province == province && c.name == city {
			for _, d := range c.districts {
				for _, st := range d.stores {
					if st.name == store {
						return true
					}
				}
			}
		}
	}
	return false
}

func TestGenerateRealism(t *testing.T) {
	const n = 600
	s, hs := startSim(t, Options{Seed: 8})
	from, to := t0.Add(-72*time.Hour).Add(300*time.Millisecond), t0
	gen := s.Generate(testAdv, n, from, to)
	require.Len(t, gen, n)
	r := list(t, hs.URL, testAccess, map[string]any{"page": 1, "page_size": 500})
	r2 := list(t, hs.URL, testAccess, map[string]any{"page": 2, "page_size": 500})
	rows := append(r.Details, r2.Details...)
	require.Len(t, rows, n)
	require.ElementsMatch(t, gen, ids(t, rows))

	seen := map[string]int{}
	count := func(format string, args ...any) { seen[fmt.Sprintf(format, args...)]++ }
	for _, rec := range rows {
		id := rec["id"].(json.Number).String()
		require.Regexp(t, idRE, id)
		count("id digits %d", len(id))
		require.Regexp(t, phoneRE, rec["phone"])
		created := vendor.ParseTime(rec["create_time"].(string))
		require.False(t, created.Before(from) || !created.Before(to), "create_time %v", rec["create_time"])
		require.False(t, vendor.ParseTime(rec["update_time"].(string)).Before(created))
		for _, k := range []string{"pay_info", "wechat", "tag_info", "store_info", "schedule", "clue_source"} {
			require.Contains(t, rec, k)
		}
		count("source_type %v", rec["source_type"])
		count("intention %v", rec["intention_id"])
		count("child_intention_tag %T", rec["child_intention_tag"])
		require.Contains(t, []string{"1003", "1005", "1007"}, fmt.Sprint(rec["biz_id"]))
		stat := fmt.Sprint(rec["phone_stat"])
		require.Regexp(t, `^(0|10[1-9]|110|20[1-9]|210)$`, stat)

		raw, err := json.Marshal(rec)
		require.NoError(t, err)
		c, err := vendor.Decode(raw)
		require.NoError(t, err, "fetch must decode every generated clue")
		require.Equal(t, id, c.ID.String())
		require.NotZero(t, c.Schedule.Desc)

		switch c.SourceType {
		case 1:
			require.NotZero(t, c.Form.ID)
			require.Equal(t, c.UserName, c.Details[0].Value)
			require.Equal(t, c.Phone, c.Details[1].Value)
			for _, a := range c.Details {
				if a.CompType != "级联单选" {
					continue
				}
				var levels, codes []string
				require.NoError(t, json.Unmarshal([]byte(a.Value), &levels), "cascade value %q", a.Value)
				require.NoError(t, json.Unmarshal([]byte(a.CustomID), &codes))
				require.Len(t, levels, 5)
				require.Len(t, codes, 5)
				require.True(t, regionOK(levels[1], levels[2], levels[4]), "%v", levels)
				require.True(t, strings.HasSuffix(string(c.PageName), "-"+levels[2]), "page %s for %v", c.PageName, levels)
				count("cascade")
			}
		case 2:
			require.Equal(t, c.Phone, c.ICC.FromPhone)
			require.NotEmpty(t, c.ICC.ToPhone)
			require.Equal(t, string(c.CreateTime), string(c.ICC.CallStartTime))
			if c.ICC.CallAnswerTime == "" {
				count("unanswered call")
			}
			icc := rec["icc_info"].(map[string]any)
			_, callStat := icc["call_stat"]
			count("call_stat field %v", callStat)
		}
		if st := c.Store(); !st.IsZero() {
			require.True(t, regionOK(string(st.Province), string(st.City), string(st.StoreName)), "%+v", st)
		}
	}
	for _, k := range []string{
		"id digits 18", "id digits 19", "id digits 22", "source_type 1", "source_type 2", "source_type 3",
		"intention 0", "intention 3", "intention 13", "child_intention_tag []interface {}",
		"child_intention_tag map[string]interface {}", "cascade", "unanswered call",
		"call_stat field true", "call_stat field false",
	} {
		require.Positive(t, seen[k], "no generated clue with %s", k)
	}
}
