package route

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseFollowup(t *testing.T) {
	rules := mustParse(t, `
routes:
  - name: full
    receivers: [sales]
    followup:
      within: 15m
      remind: true
      escalate: {after: 30m, receivers: [managers, bosses, managers]}
      business_hours: false
  - name: defaults
    receivers: [sales]
    followup: {within: 1h30m}
  - name: escalate-only
    receivers: []
    followup: {within: 10m, remind: false, escalate: {after: 1h, receivers: managers}}
  - name: none
    receivers: [sales]
`)
	require.Equal(t, &Followup{Within: 15 * time.Minute, Remind: true, BusinessHours: false, Line: 6,
		Escalate: &Escalate{After: 30 * time.Minute, Receivers: []string{"managers", "bosses"}}},
		withoutNodes(rules.ByName("full").Followup))
	require.Equal(t, &Followup{Within: 90 * time.Minute, Remind: true, BusinessHours: true, Line: 12},
		withoutNodes(rules.ByName("defaults").Followup), "remind and business_hours default to true")
	require.Equal(t, []string{"managers"}, rules.ByName("escalate-only").Followup.Escalate.Receivers)
	require.False(t, rules.ByName("escalate-only").Followup.Remind)
	require.Nil(t, rules.ByName("none").Followup)
}

// TestParseFollowupAnyDuration: the contract's within is "any duration",
// so a trial's or a checker's few seconds are taken as written.
func TestParseFollowupAnyDuration(t *testing.T) {
	rules := mustParse(t, `
routes:
  - name: quick
    receivers: [sales]
    followup: {within: 20s, escalate: {after: 45s, receivers: [managers]}}
`)
	f := rules.ByName("quick").Followup
	require.Equal(t, 20*time.Second, f.Within)
	require.Equal(t, 45*time.Second, f.Escalate.After)
}

// withoutNodes drops what parsing keeps for its own messages, to compare.
func withoutNodes(f *Followup) *Followup {
	cp := *f
	cp.node = nil
	if f.Escalate != nil {
		e := *f.Escalate
		e.receivers = nil
		cp.Escalate = &e
	}
	return &cp
}

func TestFollowupErrors(t *testing.T) {
	route := func(body string) string {
		return "routes:\n  - name: a\n    receivers: [x]\n    followup:\n" + body
	}
	tests := []struct {
		name, src string
		want      []string
	}{
		{"no within", route("      remind: true\n"), []string{
			`rules.yaml:5: followup of route "a" needs within: how soon a lead must be followed up, like 15m`}},
		{"bad within", route("      within: soon\n"), []string{
			`rules.yaml:5: bad duration "soon" in followup.within of route "a" (want a duration like 15m, 2h or 1h30m)`}},
		{"days are not a Go duration", route("      within: 1d\n"), []string{
			`rules.yaml:5: bad duration "1d" in followup.within of route "a" (want a duration like 15m, 2h or 1h30m)`}},
		{"zero", route("      within: 0s\n"), []string{
			`rules.yaml:5: followup.within of route "a" is 0s: want more than 0, up to 720h (30 days)`}},
		{"too long", route("      within: 721h\n"), []string{
			`rules.yaml:5: followup.within of route "a" is 721h: want more than 0, up to 720h (30 days)`}},
		{"negative", route("      within: -5m\n"), []string{
			`rules.yaml:5: followup.within of route "a" is -5m: want more than 0, up to 720h (30 days)`}},
		{"within a list", route("      within: [15m]\n"), []string{
			`rules.yaml:5: followup.within of route "a" must be a single value`}},
		{"typo", route("      within: 15m\n      remind_after: 5m\n"), []string{
			`rules.yaml:6: unknown key "remind_after" in followup of route "a" (want within, remind, escalate, business_hours)`}},
		{"bad bools", route("      within: 15m\n      remind: maybe\n      business_hours: [yes]\n"), []string{
			`rules.yaml:6: followup.remind of route "a" must be true or false, not "maybe"`,
			`rules.yaml:7: followup.business_hours of route "a" must be true or false`}},
		{"escalate before within", route("      within: 30m\n      escalate: {after: 30m, receivers: [m]}\n"), []string{
			`rules.yaml:6: followup.escalate.after of route "a" (30m0s) must be longer than within (30m0s): both count from the alert`}},
		{"escalate without after or receivers", route("      within: 30m\n      escalate: {}\n"), []string{
			`rules.yaml:6: followup.escalate of route "a" needs after: how long after the alert the managers hear of it, like 30m`,
			`rules.yaml:6: followup.escalate of route "a" needs receivers: who hears of leads not followed up`}},
		{"escalate to nobody", route("      within: 30m\n      escalate: {after: 1h, receivers: []}\n"), []string{
			`rules.yaml:6: followup.escalate of route "a" needs receivers: who hears of leads not followed up`}},
		{"escalate typo", route("      within: 30m\n      escalate: {after: 1h, receivers: [m], to: [n]}\n"), []string{
			`rules.yaml:6: unknown key "to" in followup.escalate of route "a" (want after, receivers)`}},
		{"does nothing", route("      within: 30m\n      remind: false\n"), []string{
			`rules.yaml:5: followup of route "a" does nothing: remind is false and there is no escalate`}},
		{"empty", "routes:\n  - name: a\n    receivers: [x]\n    followup: {}\n", []string{
			`rules.yaml:4: followup of route "a" needs within: how soon a lead must be followed up, like 15m`}},
		{"not a mapping", route("      - 15m\n"), []string{
			`rules.yaml:5: followup of route "a" must be a mapping`}},
		{"remind without a group", "routes:\n  - name: a\n    receivers: []\n    followup: {within: 15m}\n", []string{
			`rules.yaml:4: followup.remind of route "a" needs the route's receivers: the reminder goes to the lead's group (write remind: false to only escalate)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, errorLines(t, tc.src))
		})
	}
}

func TestValidateEscalateReceivers(t *testing.T) {
	rules, err := Check("rules.yaml", []byte(`
routes:
  - name: a
    receivers: [sales]
    followup:
      within: 15m
      escalate:
        after: 1h
        receivers:
          - managers
          - bosses
`), map[string]bool{"sales": true, "managers": true})
	require.Error(t, err)
	require.EqualError(t, err, `rules.yaml:11: unknown receiver "bosses" in followup.escalate of route "a" (not in cluebot.yaml receivers)`)
	require.NotNil(t, rules)
}
