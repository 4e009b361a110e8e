package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	sim "github.com/cluebot/cluebot/sim/kuaishou"
)

// agencyMembers returns n advertiser ids from first on.
func agencyMembers(first int64, n int) []int64 {
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = first + int64(i)
	}
	return ids
}

// agencyFragment tells how to onboard the agency: the oauth keys to paste,
// and a way to get a code by hand for `cluebot auth add --code`.
func agencyFragment(base string, appID, agencyID int64, n int) string {
	q := url.Values{"app_id": {fmt.Sprint(appID)}, "redirect_uri": {"http://127.0.0.1/"},
		"state": {"by-hand"}, "oauth_type": {"agent"}}
	var b strings.Builder
	fmt.Fprintf(&b, "# agency %d covers %d advertisers: add under kuaishou:\n", agencyID, n)
	fmt.Fprintf(&b, "  oauth:\n    authorize_url: %s%s\n", base, sim.AuthorizePath)
	b.WriteString("# then `cluebot auth url --agent` and open it, or get a code (10 minutes, once) with\n")
	fmt.Fprintf(&b, "#   curl -s -o /dev/null -w '%%{redirect_url}\\n' '%s%s?%s'\n", base, sim.AuthorizePath, q.Encode())
	b.WriteString("# and run `cluebot auth add --code CODE`\n")
	return b.String()
}

// joinLoop adds a new advertiser, with a few fresh clues, to the agency
// every interval until ctx ends.
func joinLoop(ctx context.Context, s *sim.Server, agencyID, next int64, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for ; ; next++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.AgencyJoin(agencyID, next)
			now := time.Now()
			s.Generate(next, 3, now.Add(-time.Hour), now)
		}
	}
}
