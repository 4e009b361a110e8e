package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/app"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/store"
)

func TestCheckRulesText(t *testing.T) {
	a, _ := newLiveApp(t)
	cases := []struct {
		name, text string
		errs       []string
	}{
		{name: "valid", text: "routes:\n  - name: r\n    receivers: [sales]\n"},
		{name: "unknown receiver at its line", text: "routes:\n  - name: r\n    receivers: [nobody]\n",
			errs: []string{`new.yaml:3: unknown receiver "nobody"`}},
		{name: "missing template", text: "routes:\n  - name: r\n    receivers: [group]\n    template: plain\n",
			errs: []string{`new.yaml:2: route "r": template "plain" has no plain.dingtalk.tmpl`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rules, err := app.CheckRulesText(a.Config, a.Templates(), "new.yaml", []byte(tc.text))
			if tc.errs == nil {
				require.NoError(t, err)
				require.Equal(t, a.Config.Location, rules.Zone)
				return
			}
			var errs route.Errors
			require.ErrorAs(t, err, &errs)
			require.Len(t, errs, len(tc.errs))
			for i, want := range tc.errs {
				require.Contains(t, errs[i].Error(), want)
			}
		})
	}
}

// TestFollowRefusesOnce: a version that does not check here (it names a
// receiver this config lacks) stays out of force and is reported once.
func TestFollowRefusesOnce(t *testing.T) {
	a, _ := newLiveApp(t)
	h := a.Store.(store.RulesHistory)
	ctx := context.Background()
	before := a.Live()
	require.NotEmpty(t, before.RulesVersion, "the file is the version in force")
	_, err := h.AddRulesVersion(ctx, store.RulesVersion{Author: "bob", At: time.Now(),
		Text: "routes:\n  - name: r\n    receivers: [elsewhere]\n"}, before.RulesVersion)
	require.NoError(t, err)
	changed, err := a.Follow(ctx)
	require.False(t, changed)
	require.True(t, app.IsConfigError(err))
	require.Contains(t, err.Error(), `unknown receiver "elsewhere"`)
	changed, err = a.Follow(ctx)
	require.False(t, changed)
	require.NoError(t, err, "reported once")
	require.Same(t, before, a.Live())

	newest, err := h.RulesVersions(ctx, 1)
	require.NoError(t, err)
	id, err := h.AddRulesVersion(ctx, store.RulesVersion{Author: "bob", At: time.Now(),
		Text: "routes:\n  - name: r\n    receivers: [sales]\n"}, newest[0].ID)
	require.NoError(t, err)
	changed, err = a.Follow(ctx)
	require.NoError(t, err)
	require.True(t, changed)
	require.Equal(t, id, a.Live().RulesVersion)
	require.Equal(t, "r", a.Live().Rules.Routes[0].Name)
}
