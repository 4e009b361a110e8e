package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Account statuses, as `cluebot accounts` shows them.
const (
	AccountOK          = "ok"
	AccountNew         = "new"          // never pulled yet
	AccountFailing     = "failing"      // the last pull failed
	AccountNeedsReauth = "needs-reauth" // its refresh token was refused: a person must authorize again
	AccountLeft        = "left"         // its authorization no longer lists it
)

// ReauthText is the message of fetch.ErrReauthorize. A pull's stored error
// holding it shows an account that only a new authorization revives: its
// status is needs-reauth, whether its tokens came from cluebot.yaml or an
// authorization.
const ReauthText = "account must be re-authorised"

// SourceConfig is the source of an account configured in cluebot.yaml; an
// authorization's accounts have the source "auth:<id>".
const SourceConfig = "config"

// AccountActivity is what the store knows of an account's pulls and clues.
type AccountActivity struct {
	AdvertiserID int64
	LastPull     time.Time // the last pull, successful or not; zero: never
	LastSuccess  time.Time
	Error        string    // the last pull's error; empty when it succeeded
	LastClue     time.Time // create_time of its newest stored clue
	CluesToday   int       // its clues created since the day's start
}

// AccountActivities reads accounts' activity in bulk.
type AccountActivities interface {
	// AccountActivity returns the activity of each of ids, in any order,
	// counting clues created at or after since as today's. An account
	// never pulled and without clues has zero values. It answers for
	// 10,000 accounts and a million clues in well under a second.
	AccountActivity(ctx context.Context, ids []int64, since time.Time) ([]AccountActivity, error)
}

// AccountStat is one line of `cluebot accounts`.
type AccountStat struct {
	AccountActivity
	Source          string // SourceConfig or "auth:<id>"
	AuthorizationID int64  // 0 for a configured account
	Status          string // one of the Account* statuses
}

// AccountStatsStore is what AccountStats reads.
type AccountStatsStore interface {
	Authorizations
	AccountActivities
}

// AccountStats lists every account, those configured (config: their ids)
// and those of authorizations, by advertiser id, with two queries. An
// advertiser both configured and authorized is the configured one (its YAML
// token wins); one under several authorizations belongs to the lowest
// authorization that still lists it. since starts "today".
func AccountStats(ctx context.Context, st AccountStatsStore, config []int64, since time.Time) ([]AccountStat, error) {
	covered, err := st.AuthAdvertisers(ctx, 0)
	if err != nil {
		return nil, fmt.Errorf("account stats: %w", err)
	}
	stats := make(map[int64]*AccountStat, len(config)+len(covered))
	for _, id := range config {
		stats[id] = &AccountStat{AccountActivity: AccountActivity{AdvertiserID: id}, Source: SourceConfig}
	}
	authErr := map[int64]string{}
	for _, c := range covered { // by authorization id: the lowest comes first
		s := stats[c.AdvertiserID]
		left := c.Status == AdvertiserLeft
		if s != nil && (s.Source == SourceConfig || s.Status != AccountLeft || left) {
			continue
		}
		s = &AccountStat{AccountActivity: AccountActivity{AdvertiserID: c.AdvertiserID},
			Source: "auth:" + strconv.FormatInt(c.AuthorizationID, 10), AuthorizationID: c.AuthorizationID}
		switch {
		case left:
			s.Status = AccountLeft
		case c.AuthStatus == AuthNeedsReauth:
			s.Status = AccountNeedsReauth
			authErr[c.AdvertiserID] = c.AuthError
		}
		stats[c.AdvertiserID] = s
	}
	ids := make([]int64, 0, len(stats))
	for id := range stats {
		ids = append(ids, id)
	}
	acts, err := st.AccountActivity(ctx, ids, since)
	if err != nil {
		return nil, fmt.Errorf("account stats: %w", err)
	}
	for _, a := range acts {
		if s := stats[a.AdvertiserID]; s != nil {
			s.AccountActivity = a
		}
	}
	out := make([]AccountStat, 0, len(stats))
	for _, s := range stats {
		switch {
		case s.Status == AccountNeedsReauth:
			if e := authErr[s.AdvertiserID]; e != "" {
				s.Error = e // why the authorization needs re-auth says more
			}
		case s.Status != "":
		case strings.Contains(s.Error, ReauthText):
			s.Status = AccountNeedsReauth // a YAML account whose refresh token was refused
		case s.Error != "":
			s.Status = AccountFailing
		case s.LastPull.IsZero():
			s.Status = AccountNew
		default:
			s.Status = AccountOK
		}
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b AccountStat) int { return cmp.Compare(a.AdvertiserID, b.AdvertiserID) })
	return out, nil
}
