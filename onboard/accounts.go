package onboard

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/cluebot/cluebot/store"
)

// AccountLine is one line of `cluebot accounts`, in the contract's JSON:
// ids as strings, times RFC 3339 (to the second, in their zone) or null,
// as GET /api/accounts answers.
type AccountLine struct {
	AdvertiserID int64
	Name         string
	Source       string // store.SourceConfig or "auth:<id>"
	Status       string // ok, new, failing, needs-reauth or left
	LastPull     time.Time
	LastClue     time.Time
	CluesToday   int
	Error        string
	// Silent: ok, but no clue for kuaishou.silent_after (the status stays
	// "ok", the contract's word; the text table says "silent").
	Silent bool
}

// AccountView is an account in the contract's JSON, as `cluebot accounts
// --json` prints it and GET /api/accounts answers: ids are strings, times
// RFC 3339 (to the second, in their zone) or null, fields in the
// contract's order.
type AccountView struct {
	AdvertiserID string  `json:"advertiser_id"`
	Name         string  `json:"name"`
	Source       string  `json:"source"`
	Status       string  `json:"status"`
	LastPull     *string `json:"last_pull"`
	LastClue     *string `json:"last_clue"`
	CluesToday   int     `json:"clues_today"`
	Error        string  `json:"error"`
}

// View is the line in the contract's JSON.
func (l AccountLine) View() AccountView {
	return AccountView{AdvertiserID: strconv.FormatInt(l.AdvertiserID, 10), Name: l.Name, Source: l.Source,
		Status: l.Status, LastPull: JSONTime(l.LastPull), LastClue: JSONTime(l.LastClue), CluesToday: l.CluesToday,
		Error: l.Error}
}

// MarshalJSON writes the line as its View.
func (l AccountLine) MarshalJSON() ([]byte, error) { return json.Marshal(l.View()) }

// JSONTime is t as the JSON outputs write a time: RFC 3339 to the second,
// in t's zone, or nil (null) when zero.
func JSONTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(time.RFC3339)
	return &s
}

// LineOf is the line of one account's stats, named name, its times in zone.
func LineOf(s store.AccountStat, name string, zone *time.Location) AccountLine {
	in := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		return t.In(zone)
	}
	return AccountLine{AdvertiserID: s.AdvertiserID, Name: name, Source: s.Source, Status: s.Status,
		LastPull: in(s.LastPull), LastClue: in(s.LastClue), CluesToday: s.CluesToday, Error: s.Error}
}

// Accounts lists every account, configured (their ids) and authorized,
// problems first (store.SortForPeople, si saying which are silent at now),
// named by names (empty: shown by id), with the one-line summary of
// store.AccountsSummary. Clues created since count as today's; the lines'
// times are in since's zone.
func Accounts(ctx context.Context, st store.AccountStatsStore, configured []int64, names map[int64]string,
	since time.Time, si store.Silence, now time.Time) ([]AccountLine, string, error) {
	stats, err := store.AccountStats(ctx, st, configured, since)
	if err != nil {
		return nil, "", err
	}
	store.SortForPeople(stats, si, now)
	out := make([]AccountLine, len(stats))
	for i, s := range stats {
		out[i] = LineOf(s, names[s.AdvertiserID], since.Location())
		out[i].Silent = si.Of(s, now)
	}
	return out, store.AccountsSummary(stats, si, now), nil
}

// Problem is the line's error or, for a silent account, "silent: no clue
// for silent_after" said in days or hours.
func (l AccountLine) Problem(silentAfter time.Duration) string {
	if !l.Silent {
		return l.Error
	}
	if silentAfter%(24*time.Hour) == 0 {
		return fmt.Sprintf("silent: no clue for %dd", silentAfter/(24*time.Hour))
	}
	return fmt.Sprintf("silent: no clue for %dh", silentAfter/time.Hour)
}

// ShowTime shows an account's time for the table: local, to the minute, or "-".
func ShowTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(loc).Format("2006-01-02 15:04")
}
