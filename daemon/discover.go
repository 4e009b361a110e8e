package daemon

import "context"

// discover reads every authorization's advertiser list again, so
// advertisers that joined are pulled from the next poll on and those that
// left are no longer pulled; the onboarder logs who joined and who left.
// Then the API budget is checked against every account there now is (it
// runs at start, so `run` always makes the check `config check` can make
// only for cluebot.yaml's accounts); a short budget is logged at error.
func (d *daemon) discover(ctx context.Context) {
	defer func() { _ = d.a.CheckBudget(ctx, d.clock.Now()) }()
	results, err := d.onboard.Discover(ctx)
	if err != nil {
		d.jobFailed(ctx, "discovery failed for some authorizations; the others were read", err)
	}
	added, left := 0, 0
	for _, r := range results {
		added, left = added+len(r.Added), left+len(r.Left)
	}
	log := d.log.Debug
	if added > 0 || left > 0 {
		log = d.log.Info
	}
	log("discovery done", "authorizations", len(results), "added", added, "left", left)
}
