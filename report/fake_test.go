package report

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/storetest"
	"github.com/cluebot/cluebot/transform"
)

var shanghai = mustZone("Asia/Shanghai")

// sampleFields is the field mapping the vendor sample's form needs.
var sampleFields = transform.Fields{
	Province: transform.FieldRef{Form: "下拉单选", Level: 2},
	City:     transform.FieldRef{Form: "下拉单选", Level: 3},
	Store:    transform.FieldRef{Form: "下拉单选", Level: 5},
}

func mustZone(name string) *time.Location {
	z, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return z
}

// memSource is an in-memory store: clues ordered by create_time then id,
// filtered like the store does, each passed as a copy.
type memSource struct {
	mu      sync.Mutex
	clues   []store.Clue
	filters []store.ClueFilter
	err     error // returned after the first clue, when set
}

func newMemSource(clues ...store.Clue) *memSource {
	s := &memSource{clues: clues}
	sort.SliceStable(s.clues, func(i, j int) bool {
		a, b := s.clues[i], s.clues[j]
		if !a.CreateTime.Equal(b.CreateTime) {
			return a.CreateTime.Before(b.CreateTime)
		}
		return a.ID < b.ID
	})
	return s
}

func (s *memSource) IterateClues(ctx context.Context, f store.ClueFilter, fn func(c *store.Clue) error) error {
	s.mu.Lock()
	s.filters = append(s.filters, f)
	s.mu.Unlock()
	for _, c := range s.clues {
		if err := ctx.Err(); err != nil {
			return err
		}
		if (!f.From.IsZero() && c.CreateTime.Before(f.From)) || (!f.To.IsZero() && !c.CreateTime.Before(f.To)) ||
			(f.AdvertiserID != 0 && c.AdvertiserID != f.AdvertiserID) {
			continue
		}
		if err := fn(&c); err != nil {
			return err
		}
		if s.err != nil {
			return s.err
		}
	}
	return nil
}

// CountClueGroups counts the clues as the store's contract says.
func (s *memSource) CountClueGroups(ctx context.Context, f store.ClueFilter, by ...store.GroupBy) ([]store.ClueGroup, error) {
	return storetest.GroupClues(ctx, s, f, by...)
}

// vendorRecords returns the raw records of a vendor clue-list file.
func vendorRecords(t testing.TB, file string) []json.RawMessage {
	t.Helper()
	b, err := os.ReadFile("testdata/" + file)
	require.NoError(t, err)
	var env struct {
		Data struct {
			Details []json.RawMessage `json:"details"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(b, &env))
	return env.Data.Details
}

// stored decodes one vendor record and converts it as the syncer does.
func stored(t testing.TB, raw []byte) store.Clue {
	t.Helper()
	c, err := clue.Decode(raw)
	require.NoError(t, err)
	c.AdvertiserID = 20006545
	return fetch.ToStore(&c)
}

// variant is the vendor's sample record with id, create_time (given in any
// zone, written in Beijing time) and the set fields replaced in its JSON.
func variant(t testing.TB, id string, created time.Time, set map[string]any) store.Clue {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(vendorRecords(t, "clue-list-sample.json")[0]))
	d.UseNumber() // ids stay exact
	var m map[string]any
	require.NoError(t, d.Decode(&m))
	m["id"] = json.Number(id)
	m["create_time"] = created.In(clue.VendorZone).Format(clue.TimeLayout)
	m["update_time"] = created.Add(5 * time.Minute).In(clue.VendorZone).Format(clue.TimeLayout)
	for k, v := range set {
		m[k] = v
	}
	raw, err := json.Marshal(m)
	require.NoError(t, err)
	return stored(t, raw)
}

// routed records a routing outcome and outbox counts on c.
func routed(c store.Clue, routes, assignees []string, sent, pending, dead int) store.Clue {
	c.RoutedAt = c.CreateTime.Add(time.Second)
	c.Routes, c.Assignees = routes, assignees
	c.Sent, c.Pending, c.Dead = sent, pending, dead
	return c
}

// at is a wall-clock time in Shanghai.
func at(day, clock string) time.Time {
	t, err := time.ParseInLocation(time.DateTime, day+" "+clock, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}
