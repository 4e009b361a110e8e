package onboard

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/cluebot/cluebot/store"
)

// AccountLine is one line of `cluebot accounts`, in the contract's JSON:
// ids as strings, times RFC 3339 or null.
type AccountLine struct {
	AdvertiserID int64     `json:"-"`
	Name         string    `json:"name"`
	Source       string    `json:"source"` // store.SourceConfig or "auth:<id>"
	Status       string    `json:"status"` // ok, new, failing, needs-reauth or left
	LastPull     time.Time `json:"-"`
	LastClue     time.Time `json:"-"`
	CluesToday   int       `json:"clues_today"`
	Error        string    `json:"error"`
}

// MarshalJSON writes the contract's shape.
func (l AccountLine) MarshalJSON() ([]byte, error) {
	type plain AccountLine
	return json.Marshal(struct {
		AdvertiserID string     `json:"advertiser_id"`
		LastPull     *time.Time `json:"last_pull"`
		LastClue     *time.Time `json:"last_clue"`
		plain
	}{strconv.FormatInt(l.AdvertiserID, 10), timeOrNil(l.LastPull), timeOrNil(l.LastClue), plain(l)})
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// Accounts lists every account, configured (their ids) and authorized, by
// advertiser id, named by names (empty: shown by id). Clues created since
// count as today's.
func Accounts(ctx context.Context, st store.AccountStatsStore, configured []int64, names map[int64]string,
	since time.Time) ([]AccountLine, error) {
	stats, err := store.AccountStats(ctx, st, configured, since)
	if err != nil {
		return nil, err
	}
	out := make([]AccountLine, len(stats))
	for i, s := range stats {
		out[i] = AccountLine{AdvertiserID: s.AdvertiserID, Name: names[s.AdvertiserID], Source: s.Source,
			Status: s.Status, LastPull: s.LastPull, LastClue: s.LastClue, CluesToday: s.CluesToday, Error: s.Error}
	}
	return out, nil
}

// ShowTime shows an account's time for the table: local, to the minute, or "-".
func ShowTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(loc).Format("2006-01-02 15:04")
}
