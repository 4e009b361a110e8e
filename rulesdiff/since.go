package rulesdiff

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cluebot/cluebot/store"
)

// DefaultSince is the window a replay covers when none is asked for.
const DefaultSince = "7d"

// ParseSince reads a replay window: a Go duration (36h, 90m) or whole days
// (7d). It must be positive.
func ParseSince(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		s = DefaultSince
	}
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n > 3650 {
			return 0, fmt.Errorf("since %q: want a number of days like 7d, or a duration like 36h", s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("since %q: want a duration like 36h, or days like 7d", s)
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("since %q: must be positive", s)
	}
	return d, nil
}

// Window selects the leads cluebot stored in the since before now, now
// included, by when it stored them (first_seen), not by their create_time:
// a lead pulled late or backfilled is replayed in the window it was stored
// in, its create_time still deciding the routes' active windows. To is a
// millisecond, the stores' precision, after now, so that a lead stored at
// the very instant of now counts.
func Window(now time.Time, since time.Duration) store.ClueFilter {
	return store.ClueFilter{From: now.Add(-since), To: now.Add(time.Millisecond), ByFirstSeen: true}
}
