package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

var sampleFields = transform.Fields{
	Province: transform.FieldRef{Form: "下拉单选", Level: 2},
	City:     transform.FieldRef{Form: "下拉单选", Level: 3},
	Store:    transform.FieldRef{Form: "下拉单选", Level: 5},
}

var shanghai = func() *time.Location {
	z, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return z
}()

// sampleClue is the vendor's sample record, with the fields in set
// replaced, as the store keeps it.
func sampleClue(t *testing.T, set map[string]any) store.Clue {
	t.Helper()
	b, err := os.ReadFile("testdata/clue-list-sample.json")
	require.NoError(t, err)
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber() // ids stay exact
	var env struct {
		Data struct {
			Details []map[string]any `json:"details"`
		} `json:"data"`
	}
	require.NoError(t, d.Decode(&env))
	rec := env.Data.Details[0]
	for k, v := range set {
		rec[k] = v
	}
	raw, err := json.Marshal(rec)
	require.NoError(t, err)
	c, err := clue.Decode(raw)
	require.NoError(t, err)
	c.AdvertiserID = 20006545
	return fetch.ToStore(&c)
}

type sliceSource []store.Clue

func (s sliceSource) IterateClues(_ context.Context, _ store.ClueFilter, fn func(c *store.Clue) error) error {
	for i := range s {
		if err := fn(&s[i]); err != nil {
			return err
		}
	}
	return nil
}

func TestJSONLRecord(t *testing.T) {
	var buf bytes.Buffer
	w := NewJSONL(&buf)
	opts := transform.Options{Zone: time.UTC, Fields: sampleFields}
	err := Leads(context.Background(), sliceSource{sampleClue(t, nil)}, store.ClueFilter{}, opts, func(l *transform.Lead, _ *store.Clue) error {
		r := NewRecord(l, []string{"henan-hot"})
		return w.Write(&r)
	})
	require.NoError(t, err)
	require.NoError(t, w.Close())
	var rec map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &rec))
	require.Equal(t, "197451604008536386", rec["id"])
	require.Equal(t, "153644601223348224", rec["page_id"])
	require.Equal(t, "15584418917", rec["phone"], "exports carry the full phone")
	require.Equal(t, "未标记", rec["intention"])
	require.Equal(t, "表单", rec["source"])
	require.Equal(t, "河南", rec["province"])
	require.Equal(t, "郑州", rec["city"])
	require.Equal(t, "哈登店", rec["store"])
	require.Equal(t, "2021-03-07T08:10:49Z", rec["create_time"], "Beijing 16:10:49 in UTC")
	require.Equal(t, map[string]any{"姓名": "旧表单打点1", "电话": "15584418917", "下拉单选": "宝马2系/河南/郑州/二七区/哈登店"}, rec["form"])
	require.Equal(t, []any{"henan-hot"}, rec["routes"])
}

func TestLeadsRefusesUndecodableRows(t *testing.T) {
	bad := store.Clue{ID: "1", Raw: []byte("not json")}
	err := Leads(context.Background(), sliceSource{bad}, store.ClueFilter{}, transform.Options{}, func(*transform.Lead, *store.Clue) error { return nil })
	require.ErrorContains(t, err, "decode stored clue 1")
	stop := errors.New("stop")
	err = Leads(context.Background(), sliceSource{sampleClue(t, nil)}, store.ClueFilter{}, transform.Options{}, func(*transform.Lead, *store.Clue) error { return stop })
	require.ErrorIs(t, err, stop)
}

func TestCSV(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter("csv", &buf)
	require.NoError(t, err)
	r := Record{ID: "1974516040085363860123", UserName: "=cmd|' /C calc'!A0", Phone: "-1", Form: map[string]string{"b": "2", "a": "1"}, Routes: []string{"x", "y"}}
	require.NoError(t, w.Write(&r))
	require.NoError(t, w.Close())
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Equal(t, csvHeader, rows[0])
	require.Equal(t, "1974516040085363860123", rows[1][0])
	require.Equal(t, "'=cmd|' /C calc'!A0", rows[1][3])
	require.Equal(t, "'-1", rows[1][4])
	require.Equal(t, "a: 1\nb: 2", rows[1][23])
	require.Equal(t, "x,y", rows[1][24])

	buf.Reset()
	w, _ = NewWriter("csv", &buf)
	require.NoError(t, w.Close())
	require.Equal(t, "id,", buf.String()[:3], "an empty export still has its header")
	_, err = NewWriter("xml", &buf)
	require.Error(t, err)
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{"": "", "abc": "abc", "=1+1": "'=1+1", "+86": "'+86", "-": "'-", "@x": "'@x", "\tx": "'\tx", "\rx": "'\rx", "张三": "张三"} {
		require.Equal(t, want, SafeCell(in), in)
	}
}
