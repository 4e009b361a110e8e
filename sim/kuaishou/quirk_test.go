package kuaishou

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestQuirkAnswers(t *testing.T) {
	tests := []struct {
		quirk Quirk
		check func(t *testing.T, r, honest reply)
	}{
		{QuirkDataNull, func(t *testing.T, r, _ reply) {
			require.Contains(t, string(r.Body), `"data":null`)
			require.Nil(t, r.Data)
		}},
		{QuirkDetailsNull, func(t *testing.T, r, honest reply) {
			require.Contains(t, string(r.Body), `"details":null`)
			require.Equal(t, honest.Total, r.Total, "the true total_count")
			require.Contains(t, r.Data, "details")
			require.Empty(t, r.Details)
		}},
		{QuirkUnderCount, func(t *testing.T, r, honest reply) {
			require.Equal(t, ids(t, honest.Details), ids(t, r.Details), "the true rows")
			require.EqualValues(t, 4, r.Total, "one below the 5 rows of the page")
		}},
	}
	for _, tc := range tests {
		t.Run(string(tc.quirk), func(t *testing.T) {
			s, hs := startSim(t, Options{Seed: 3, Quirks: QuirkConfig{Rate: 1, Kinds: []Quirk{tc.quirk}}})
			s.Generate(testAdv, 12, t0.Add(-time.Hour), t0)
			twin, twinHS := startSim(t, Options{Seed: 3})
			twin.Generate(testAdv, 12, t0.Add(-time.Hour), t0)
			body := map[string]any{"page": 2, "page_size": 5}
			honest := list(t, twinHS.URL, testAccess, body)
			require.EqualValues(t, 12, honest.Total)
			r := list(t, hs.URL, testAccess, body)
			require.Equal(t, 200, r.Status)
			require.EqualValues(t, CodeOK, r.Code)
			require.Len(t, r.RequestID, 32)
			require.True(t, json.Valid(r.Body))
			tc.check(t, r, honest)
			require.Equal(t, 1, s.Stats().Quirks[tc.quirk])

			s.SetQuirks(QuirkConfig{}) // off: the honest page again
			r = list(t, hs.URL, testAccess, body)
			require.Equal(t, honest.Total, r.Total)
			require.Equal(t, ids(t, honest.Details), ids(t, r.Details))
			require.Equal(t, 1, s.Stats().Quirks[tc.quirk])
		})
	}
}

func TestQuirkRate(t *testing.T) {
	const calls = 600
	s, hs := startSim(t, Options{Seed: 9, Quirks: QuirkConfig{Rate: 0.3}})
	s.Generate(testAdv, 3, t0.Add(-time.Hour), t0)
	for range calls {
		r := list(t, hs.URL, testAccess, map[string]any{"page_size": 2})
		require.EqualValues(t, CodeOK, r.Code)
	}
	st := s.Stats()
	require.Len(t, st.Quirks, len(AllQuirks))
	p := 0.3 / float64(len(AllQuirks))
	want := calls * p
	for _, q := range AllQuirks {
		require.InDelta(t, want, st.Quirks[q], 4*math.Sqrt(want*(1-p))+3, "quirk %s", q)
	}
	require.Equal(t, calls, st.ListPages, "a quirk is a code-0 page, not a fault")
	require.Zero(t, st.FaultsInjected())
}

func TestQuirksLeaveFaultDrawsAlone(t *testing.T) {
	faults := FaultConfig{Rate: 0.5, Kinds: []Fault{FaultHTTP500}}
	plain, plainHS := startSim(t, Options{Seed: 4, Faults: faults})
	bent, bentHS := startSim(t, Options{Seed: 4, Faults: faults, Quirks: QuirkConfig{Rate: 0.5}})
	for range 50 {
		a := list(t, plainHS.URL, testAccess, map[string]any{})
		b := list(t, bentHS.URL, testAccess, map[string]any{})
		require.Equal(t, a.Status, b.Status)
	}
	require.Equal(t, plain.Stats().Faults, bent.Stats().Faults)
	require.Positive(t, len(bent.Stats().Quirks))
}

func TestParseQuirks(t *testing.T) {
	got, err := ParseQuirks(" data-null,undercount ,")
	require.NoError(t, err)
	require.Equal(t, []Quirk{QuirkDataNull, QuirkUnderCount}, got)
	got, err = ParseQuirks("")
	require.NoError(t, err)
	require.Empty(t, got)
	_, err = ParseQuirks("data-null,datanull")
	require.EqualError(t, err, `unknown quirk "datanull" (known: data-null, details-null, undercount)`)
	require.Panics(t, func() { New(Options{Quirks: QuirkConfig{Kinds: []Quirk{"nope"}}}) })
}
