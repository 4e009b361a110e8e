package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/secret"
)

// staticSource hands out one account's configured token.
type staticSource string

func (s staticSource) Token(context.Context) (string, error) { return string(s), nil }
func (s staticSource) Refresh(context.Context, string) (string, error) {
	return string(s), nil
}

// TestWorkedLeadsAndMarks runs kssim with arrivals that the simulated sales
// all work after 100ms, and writes a mark back with cluebot's client: the
// next pull shows both.
func TestWorkedLeadsAndMarks(t *testing.T) {
	start := time.Now()
	lines := startKssim(t, "-listen 127.0.0.1:0 -accounts 1 -first-id 20006545 -clues 5 -arrive-every 50ms "+
		"-work-rate 1 -work-after 100ms", "    - {advertiser_id")
	base := regexp.MustCompile(`base_url: (\S+)`).FindStringSubmatch(strings.Join(lines, "\n"))[1]
	cfg := &fetch.Config{BaseURL: base, AppID: 4242, Secret: secret.String("kssim-app-secret"), PageSize: 500,
		Timeout: 5 * time.Second, Retries: 1, RetryBackoff: time.Millisecond, RetryMax: time.Millisecond}
	c := fetch.NewClient(cfg, nil, nil)
	ctx := context.Background()
	src := staticSource("access-20006545")

	time.Sleep(3500 * time.Millisecond)
	asked := time.Now()
	page, err := c.ListClues(ctx, src, fetch.ListRequest{AdvertiserID: 20006545, PageSize: 500})
	require.NoError(t, err)
	// an arrival's create_time is up to 1s before it arrived (whole seconds,
	// drawn from the second before): one created 2.5s before the pull
	// arrived long enough before it to be worked
	cutoff := asked.Add(-2500 * time.Millisecond)
	old, worked := 0, 0
	for _, cl := range page.Clues {
		if cl.Created().After(start.Add(-5*time.Second)) && cl.Created().Before(cutoff) {
			old++
			if cl.PhoneStat == 101 && cl.Schedule.Desc == "电话建联" {
				worked++
			}
		}
	}
	require.Greater(t, old, 3, "arrivals older than the work delay")
	require.Equal(t, old, worked, "every arrival is worked after the delay")

	id := page.Clues[len(page.Clues)-1].ID // the oldest, from before arrivals were worked
	require.NoError(t, c.MarkClue(ctx, src, 20006545, id, clue.InvalidUpdate()))
	page, err = c.ListClues(ctx, src, fetch.ListRequest{AdvertiserID: 20006545, PageSize: 500})
	require.NoError(t, err)
	for _, cl := range page.Clues {
		if cl.ID == id {
			require.Equal(t, clue.Schedule{ID: 8, Desc: "无意向"}, cl.Schedule, "the mark went back")
			return
		}
	}
	t.Fatalf("clue %s is gone", id)
}
