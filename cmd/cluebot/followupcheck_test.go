package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestConfigCheckReportsFollowupAndCalendar: follow-up and calendar
// problems come with the file's others, in line order, in one run; an
// escalation to an unknown receiver is one, and so is a route picking the
// reminder template for its leads.
func TestConfigCheckReportsFollowupAndCalendar(t *testing.T) {
	rules := "calendar:\n  holidays: [2026-10-01, 2026-13-01]\n  workdays: {2026-10-11: funday}\n" +
		"routes:\n" +
		"  - name: a\n    receivers: [sales]\n    followup:\n      within: 30m\n      escalate: {after: 15m, receivers: [bosses]}\n" +
		"  - name: b\n    receivers: [sales]\n    template: reminder\n    followup: {within: soon}\n"
	cfgPath, dir := writeTrial(t, checkConfig, rules, nil)
	var out, errb bytes.Buffer
	require.Equal(t, 2, run(context.Background(), []string{"config", "check", "-c", cfgPath}, &out, &errb), errb.String())
	rulesPath := filepath.Join(dir, "rules.yaml")
	want := []string{
		rulesPath + `:2: bad date "2026-13-01" in calendar.holidays`,
		rulesPath + `:3: unknown day "funday" in calendar.workdays.2026-10-11`,
		rulesPath + `:9: followup.escalate.after of route "a" (15m0s) must be longer than within (30m0s)`,
		rulesPath + `:9: unknown receiver "bosses" in followup.escalate of route "a"`,
		rulesPath + `:10: route "b": template "reminder" is the reminder template, not one for single leads`,
		rulesPath + `:13: bad duration "soon" in followup.within of route "b"`,
		"cluebot config: 6 problem(s) found",
	}
	lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
	require.Len(t, lines, len(want), errb.String())
	for i, w := range want {
		require.True(t, strings.HasPrefix(lines[i], w), "line %d:\n%s\ndoes not start with\n%s", i+1, lines[i], w)
	}
}
