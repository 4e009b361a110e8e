package store

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Silence says when an account pulled without trouble is silent: it has
// had no clue for After (kuaishou.silent_after; 0: never silent), or none
// at all once the backfill has covered After.
type Silence struct {
	After    time.Duration
	Backfill time.Duration
}

// Of reports whether s is silent at now.
func (si Silence) Of(s AccountStat, now time.Time) bool {
	if si.After <= 0 || s.Status != AccountOK {
		return false
	}
	if s.LastClue.IsZero() {
		return !s.LastSuccess.IsZero() && si.Backfill >= si.After
	}
	return now.Sub(s.LastClue) >= si.After
}

// Triage is where an account stands for an operator: its status, except
// that an ok account that is silent is TriageSilent. Silent is not a
// status of the contract's list, so JSON keeps "ok" for it.
const TriageSilent = "silent"

// triageOrder is what needs someone first: an authorization to renew,
// failing pulls, silent accounts, accounts not pulled yet, then the rest.
var triageOrder = []string{AccountNeedsReauth, AccountFailing, TriageSilent, AccountNew, AccountOK, AccountLeft}

// Triage returns s's triage at now: its status, or TriageSilent.
func (si Silence) Triage(s AccountStat, now time.Time) string {
	if si.Of(s, now) {
		return TriageSilent
	}
	return s.Status
}

// TriageRank is a triage's place in the order problems-first; unknown
// ones come last.
func TriageRank(triage string) int {
	if i := slices.Index(triageOrder, triage); i >= 0 {
		return i
	}
	return len(triageOrder)
}

// SortForPeople orders stats problems first, as `cluebot accounts` (text
// and JSON), GET /api/accounts and the console's accounts page show them:
// needs-reauth, failing, silent, new, ok, left; by advertiser id within
// each.
func SortForPeople(stats []AccountStat, si Silence, now time.Time) {
	type ranked struct {
		rank int
		stat AccountStat
	}
	r := make([]ranked, len(stats)) // each triage once, not once per comparison
	for i, s := range stats {
		r[i] = ranked{TriageRank(si.Triage(s, now)), s}
	}
	slices.SortFunc(r, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.stat.AdvertiserID, b.stat.AdvertiserID))
	})
	for i := range r {
		stats[i] = r[i].stat
	}
}

// AccountsSummary is the one line over `cluebot accounts`: "10000
// accounts: 9950 ok, 30 failing, 5 needs re-auth, 15 silent", leaving out
// the triages no account has (ok is always said).
func AccountsSummary(stats []AccountStat, si Silence, now time.Time) string {
	n := map[string]int{}
	for _, s := range stats {
		n[si.Triage(s, now)]++
	}
	words := map[string]string{AccountNeedsReauth: "needs re-auth"}
	parts := []string{fmt.Sprintf("%d ok", n[AccountOK])}
	for _, t := range []string{AccountFailing, AccountNeedsReauth, TriageSilent, AccountNew, AccountLeft} {
		if n[t] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[t], cmp.Or(words[t], t)))
		}
	}
	return fmt.Sprintf("%d accounts: %s", len(stats), strings.Join(parts, ", "))
}
