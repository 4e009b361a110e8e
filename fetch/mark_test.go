package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
)

func TestMarkClue(t *testing.T) {
	const id = clue.ID("1974516040085363860123") // beyond int64: written as read
	ok := `{"code":0,"message":"OK","request_id":"rid-m","data":{"id":1974516040085363860123}}`
	cases := []struct {
		name      string
		update    clue.Update
		answers   []string
		wantBody  string
		wantCalls int
		refreshes int
		wantErr   string
		retryable bool
	}{
		{"已联系", clue.ContactedUpdate(), []string{ok},
			`{"advertiser_id":42,"clue_id":1974516040085363860123,"schedule_id":1,"call_stat":3}`, 1, 0, "", false},
		{"无效", clue.InvalidUpdate(), []string{ok},
			`{"advertiser_id":42,"clue_id":1974516040085363860123,"schedule_id":8}`, 1, 0, "", false},
		{"busy then done", clue.InvalidUpdate(), []string{`{"code":400429,"message":"请求过于频繁"}`, ok}, "", 2, 0, "", false},
		{"token expired: one refresh", clue.InvalidUpdate(), []string{`{"code":402004,"message":"access_token 已过期"}`, ok}, "", 2, 1, "", false},
		{"clue unknown", clue.InvalidUpdate(), []string{`{"code":400002,"message":"线索不存在","request_id":"rid-n"}`}, "", 1, 0,
			`mark clue 1974516040085363860123 (advertiser 42): clue mark: http 200: code 400002: "线索不存在" (request_id rid-n)`, false},
		{"still busy", clue.InvalidUpdate(), []string{`{"code":400429,"message":"请求过于频繁"}`}, "", 3, 0, "请求过于频繁", true},
		{"answer names another clue", clue.InvalidUpdate(), []string{`{"code":0,"data":{"id":"77"}}`}, "", 1, 0,
			"the answer names clue 77", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, c, logs := startVendor(t, func(n int, _ map[string]any) (int, string) {
				return 200, tc.answers[min(n, len(tc.answers))-1]
			})
			src := &fakeSource{tokens: []string{testAgencyAT, "AT-new-1"}}
			err := c.MarkClue(context.Background(), src, 42, id, tc.update)
			require.Equal(t, tc.wantCalls, v.calls())
			require.Equal(t, markPath, v.paths[0])
			require.Len(t, src.refreshes, tc.refreshes)
			require.Equal(t, testAgencyAT, v.tokens[0], "the token goes in the header")
			if tc.refreshes > 0 {
				require.Equal(t, "AT-new-1", v.tokens[1])
			}
			if tc.wantBody != "" {
				got, _ := json.Marshal(v.bodies[0])
				require.JSONEq(t, tc.wantBody, string(got))
			}
			requireNoCredential(t, logs.String())
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.wantErr)
			require.Equal(t, tc.retryable, IsRetryable(err))
			requireNoCredential(t, err.Error())
		})
	}
}

func TestMarkClueRefusesBadInput(t *testing.T) {
	bad := clue.MarkSchedule(10)
	for _, tc := range []struct {
		name string
		adv  int64
		id   clue.ID
		u    clue.Update
		want string
	}{
		{"no advertiser", 0, "123", clue.InvalidUpdate(), "advertiser id must be positive"},
		{"no clue id", 42, "", clue.InvalidUpdate(), `clue id "" is not a decimal id`},
		{"not digits", 42, "12a", clue.InvalidUpdate(), `clue id "12a" is not a decimal id`},
		{"empty update", 42, "123", clue.Update{}, "update changes nothing"},
		{"unknown code", 42, "123", clue.Update{Schedule: &bad}, "schedule_id 10"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, c, _ := startVendor(t, func(int, map[string]any) (int, string) { return 200, `{"code":0}` })
			err := c.MarkClue(context.Background(), &fakeSource{tokens: []string{"x"}}, tc.adv, tc.id, tc.u)
			require.ErrorContains(t, err, tc.want)
			require.True(t, errors.Is(err, ErrBadUpdate))
			require.False(t, IsRetryable(err))
			require.Zero(t, v.calls())
		})
	}
}
