package fetch

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// approvalAnswer is a code-1 page of the given entries (JSON texts).
func approvalAnswer(isEnd bool, entries ...string) string {
	return fmt.Sprintf(`{"code":1,"message":"success","request_id":"rid-a","data":{"details":[%s],"isEnd":%t}}`,
		strings.Join(entries, ","), isEnd)
}

// quirkyPages answers like the vendor: ids paged by page_size, isEnd false
// on every page holding ids (the last one too) and true only past it.
func quirkyPages(ids []string) func(int, map[string]any) (int, string) {
	return func(_ int, body map[string]any) (int, string) {
		no, _ := body["page_no"].(json.Number).Int64()
		size, _ := body["page_size"].(json.Number).Int64()
		lo := int(no-1) * int(size)
		if lo >= len(ids) {
			return 200, approvalAnswer(true)
		}
		return 200, approvalAnswer(false, ids[lo:min(lo+int(size), len(ids))]...)
	}
}

func setApprovalPaging(t *testing.T, size, pages int) {
	oldSize, oldPages := approvalPageSize, maxApprovalPages
	approvalPageSize, maxApprovalPages = size, pages
	t.Cleanup(func() { approvalPageSize, maxApprovalPages = oldSize, oldPages })
}

func TestApprovalListPagesToTheEnd(t *testing.T) {
	setApprovalPaging(t, 3, 100)
	// ids as numbers, strings and objects; a repeat across pages; junk entries skipped
	entries := []string{`101`, `"102"`, `{"advertiser_id":103}`, `104`, `"x"`, `{"advertiser_id":"105"}`, `102`, `null`, `106`, `107`}
	v, c, logs := startVendor(t, quirkyPages(entries))

	ids, err := c.ApprovalList(context.Background(), testAgencyAT)
	require.NoError(t, err)
	require.Equal(t, []int64{101, 102, 103, 104, 105, 106, 107}, ids)
	require.Equal(t, 5, v.calls(), "4 pages of ids, then the page past the last that says isEnd")
	for i, b := range v.bodies {
		require.Equal(t, approvalPath, v.paths[i])
		require.Equal(t, map[string]any{"app_id": json.Number("7"), "secret": "APP-SECRET-zzzz",
			"access_token": testAgencyAT, "page_no": json.Number(fmt.Sprint(i + 1)), "page_size": json.Number("3")}, b)
	}
	requireNoCredential(t, logs.String())
}

func TestApprovalListEnds(t *testing.T) {
	cases := []struct {
		name    string
		answers []string
		want    []int64
		calls   int
	}{
		{"empty authorization", []string{approvalAnswer(true)}, nil, 1},
		{"isEnd on the last page with ids", []string{approvalAnswer(false, "1", "2"), approvalAnswer(true, "3")}, []int64{1, 2, 3}, 2},
		{"an empty page without isEnd", []string{approvalAnswer(false, "1", "2"), approvalAnswer(false)}, []int64{1, 2}, 2},
		{"is_end spelled otherwise, as a string", []string{approvalAnswer(false, "1", "2"),
			`{"code":1,"data":{"details":["3"],"is_end":"1"}}`}, []int64{1, 2, 3}, 2},
		{"details null at the end", []string{approvalAnswer(false, "1", "2"), `{"code":1,"data":{"details":null,"isEnd":true}}`},
			[]int64{1, 2}, 2},
		{"details null before the end is retried", []string{approvalAnswer(false, "1", "2"),
			`{"code":1,"data":{"isEnd":false}}`, approvalAnswer(true)}, []int64{1, 2}, 3},
		{"a busy answer is retried", []string{`{"code":400429,"message":"请求过于频繁，请稍后重试"}`, approvalAnswer(true, "9")},
			[]int64{9}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			setApprovalPaging(t, 2, 100)
			v, c, _ := startVendor(t, func(n int, _ map[string]any) (int, string) {
				return 200, tc.answers[min(n, len(tc.answers))-1]
			})
			ids, err := c.ApprovalList(context.Background(), testAgencyAT)
			require.NoError(t, err)
			require.Equal(t, tc.want, ids)
			require.Equal(t, tc.calls, v.calls())
		})
	}
}

func TestApprovalListFails(t *testing.T) {
	cases := []struct {
		name      string
		answer    func(n int) (int, string)
		wantErr   []string
		wantCalls int
		auth      bool
	}{
		{"fails halfway: no partial list", func(n int) (int, string) {
			if n == 1 {
				return 200, approvalAnswer(false, "1", "2")
			}
			return 502, "<html>bad gateway</html>"
		}, []string{"approval list (page 2): approval list: http 502"}, 4, false},
		{"token refused", func(int) (int, string) {
			return 200, `{"code":402001,"message":"access_token 无效: AGENCY-AT-9999","request_id":"rid-t"}`
		}, []string{"approval list (page 1)", "code 402001", "<redacted>", "rid-t"}, 1, true},
		{"code 0 is no success here", func(int) (int, string) {
			return 200, `{"code":0,"message":"参数错误","request_id":"rid-0"}`
		}, []string{`"参数错误" (request_id rid-0)`}, 1, false},
		{"never ends", func(n int) (int, string) {
			return 200, approvalAnswer(false, fmt.Sprint(n))
		}, []string{"approval list did not end after 5 pages"}, 5, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			setApprovalPaging(t, 2, 5)
			v, c, logs := startVendor(t, func(n int, _ map[string]any) (int, string) { return tc.answer(n) })
			ids, err := c.ApprovalList(context.Background(), testAgencyAT)
			require.Nil(t, ids)
			for _, w := range tc.wantErr {
				require.ErrorContains(t, err, w)
			}
			require.Equal(t, tc.auth, IsAuth(err))
			require.Equal(t, tc.wantCalls, v.calls())
			requireNoCredential(t, err.Error())
			requireNoCredential(t, logs.String())
		})
	}
	_, err := NewClient(testConfig(), nil, nil).ApprovalList(context.Background(), "")
	require.ErrorContains(t, err, "app_id, secret and an access token are required")
}
