package kuaishou

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// mark posts a clue_mark/update call.
func mark(t *testing.T, url, token string, body map[string]any) reply {
	t.Helper()
	return call(t, http.DefaultClient, url, MarkPath, token, body)
}

func TestMarkShowsInTheNextPull(t *testing.T) {
	clock := &fakeClock{t: t0}
	s, hs := startSim(t, Options{Now: clock.Now})
	const id = "1974516040085363860123"
	s.Add(testAdv, map[string]any{"id": json.Number(id), "phone_stat": 0, "create_time": at(t0.Add(-time.Minute)),
		"schedule": map[string]any{"schedule_id": 0, "schedule_desc": "新线索"}})
	clock.Advance(time.Minute)

	r := mark(t, hs.URL, testAccess, map[string]any{"advertiser_id": testAdv, "clue_id": json.Number(id),
		"schedule_id": 1, "call_stat": 3})
	require.EqualValues(t, CodeOK, r.Code, r.Message)
	require.Equal(t, json.Number(id), r.Data["id"], "the id, exact")

	rec := list(t, hs.URL, testAccess, map[string]any{}).Details[0]
	require.Equal(t, map[string]any{"schedule_id": json.Number("1"), "schedule_desc": "电话已建联"}, rec["schedule"])
	require.Equal(t, json.Number("0"), rec["phone_stat"], "a follow-up state is no call outcome")
	require.Equal(t, json.Number("3"), rec["call_stat"])
	require.Equal(t, at(t0.Add(time.Minute)), rec["update_time"])

	r = mark(t, hs.URL, testAccess, map[string]any{"advertiser_id": testAdv, "clue_id": id,
		"call_stat": 104, "child_intention_id": []int{8, 13}})
	require.EqualValues(t, CodeOK, r.Code, r.Message)
	rec, _ = s.Get(id)
	require.Equal(t, json.Number("104"), rec["phone_stat"])
	require.Equal(t, []any{
		map[string]any{"child_intention_id": json.Number("8"), "child_intention_desc": "无意向类标签-无购买意愿"},
		map[string]any{"child_intention_id": json.Number("13"), "child_intention_desc": "多次未建联"},
	}, rec["child_intention_tag"])
	require.Equal(t, "电话已建联", rec["schedule"].(map[string]any)["schedule_desc"], "left as it was")

	marks := s.Marks()
	require.Len(t, marks, 2)
	require.Equal(t, id, marks[0].ClueID)
	require.Equal(t, int64(1), *marks[0].ScheduleID)
	require.Equal(t, 2, s.Stats().MarkCalls)
}

func TestMarkRefuses(t *testing.T) {
	s, base, _ := startAgency(t, Options{}, 2)
	s.SetAgencyTokens(testAgency, "agency-at", "agency-rt")
	ours := s.Generate(9000001, 1, t0.Add(-time.Hour), t0)[0]
	theirs := s.Generate(testAdv, 1, t0.Add(-time.Hour), t0)[0]
	body := func(adv int64, id string, extra ...any) map[string]any {
		b := map[string]any{"advertiser_id": adv, "clue_id": json.Number(id), "schedule_id": 8}
		for i := 0; i+1 < len(extra); i += 2 {
			b[extra[i].(string)] = extra[i+1]
		}
		return b
	}
	for _, tc := range []struct {
		name  string
		token string
		body  map[string]any
		code  int64
	}{
		{"an agency marks its advertiser's clue", "agency-at", body(9000001, ours), CodeOK},
		{"a clue of another advertiser", "agency-at", body(9000001, theirs), CodeClueNotFound},
		{"an unknown clue", "agency-at", body(9000001, "123"), CodeClueNotFound},
		{"an advertiser outside the agency", "agency-at", body(testAdv, theirs), CodeAdvertiserDenied},
		{"a bad token", "nope", body(9000001, ours), CodeTokenInvalid},
		{"schedule 10 does not exist", "agency-at", body(9000001, ours, "schedule_id", 10), CodeBadRequest},
		{"call_stat 201 is the list's", "agency-at", body(9000001, ours, "call_stat", 201), CodeBadRequest},
		{"an unknown sub-tag", "agency-at", body(9000001, ours, "child_intention_id", []int{10}), CodeBadRequest},
		{"nothing to change", "agency-at", map[string]any{"advertiser_id": 9000001, "clue_id": json.Number(ours)}, CodeBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mark(t, base, tc.token, tc.body)
			require.Equal(t, tc.code, r.Code, r.Message)
		})
	}
	require.Len(t, s.Marks(), 1)
}

func TestMarkFaults(t *testing.T) {
	s, hs := startSim(t, Options{MarkFaults: FaultConfig{Rate: 1, Kinds: []Fault{FaultBusy}}})
	id := s.Generate(testAdv, 1, t0.Add(-time.Hour), t0)[0]
	r := mark(t, hs.URL, testAccess, map[string]any{"advertiser_id": testAdv, "clue_id": json.Number(id), "schedule_id": 8})
	require.EqualValues(t, CodeBusy, r.Code)
	require.Empty(t, s.Marks(), "a fault in place of the answer changes nothing")
	require.Equal(t, map[Fault]int{FaultBusy: 1}, s.Stats().MarkFaults)
	require.EqualValues(t, CodeOK, list(t, hs.URL, testAccess, map[string]any{}).Code, "the list is not faulted")
}
