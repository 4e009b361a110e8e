package fetch

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
)

// hostileToken is the access token of the hostile tests: it must never show
// in an error or a log line, even when the server echoes it in a bad body.
const hostileToken = "AT-hostile-5309-do-not-leak"

// hostileClient serves the clue-list call with h and returns a client for
// it (no retries: each case reads its 10 MB once, fast even with -race), the
// count of requests and the client's logs.
func hostileClient(t *testing.T, h http.HandlerFunc) (*Client, *atomic.Int32, *syncBuffer) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	cfg := &Config{BaseURL: srv.URL, PageSize: 500, Timeout: 20 * time.Second}
	logs := &syncBuffer{}
	return NewClient(cfg, srv.Client(), slog.New(slog.NewJSONHandler(logs, nil))), &n, logs
}

// listHostile lists page 1 of account 42 and returns the page, how long it
// took and the error; it gives up after 30 seconds, so a hang fails the test.
func listHostile(t *testing.T, c *Client) (*ListPage, time.Duration, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	page, err := c.ListClues(ctx, &fakeSource{tokens: []string{hostileToken}}, ListRequest{AdvertiserID: 42})
	return page, time.Since(start), err
}

// clueRecord is one clue record of the list's details; its texts must need
// no JSON escaping (encoding/json would take seconds on 10 MB with -race).
func clueRecord(id int, name, page, answer string) string {
	return `{"id":` + strconv.Itoa(id) + `,"user_name":"` + name + `","page_name":"` + page +
		`","phone":"13800138000","create_time":"2024-05-01 10:00:00","details":[{"key":"留言","value":"` +
		answer + `"}]}`
}

// serve answers every request with body.
func serve(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(body) }
}

// pageCase is one page that must decode, built by details, checked by check.
type pageCase struct {
	name    string
	details func() []string
	size    int // the page is at least this large
	clues   int
	check   func(t *testing.T, cs []clue.Clue)
}

// runPages serves each case's page and checks that it decodes, fast.
func runPages(t *testing.T, tests []pageCase) {
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := []byte(okBody("rid-huge", tc.details()...))
			require.GreaterOrEqual(t, len(body), tc.size)
			c, _, logs := hostileClient(t, serve(body))
			page, took, err := listHostile(t, c)
			require.NoError(t, err)
			require.Less(t, took, 15*time.Second)
			require.Len(t, page.Clues, tc.clues)
			require.Zero(t, page.Skipped)
			for _, cl := range page.Clues {
				require.True(t, utf8.ValidString(string(cl.UserName)+string(cl.PageName)))
			}
			tc.check(t, page.Clues)
			require.NotContains(t, logs.String(), hostileToken)
		})
	}
}

// TestHugePageOfLongClues decodes a 10 MB page of 500 clues with 7 KB fields.
func TestHugePageOfLongClues(t *testing.T) {
	long := strings.Repeat("很长的字段", 466) // 6,990 bytes: 3 a clue, 500 clues make 10 MB
	runPages(t, []pageCase{
		{"500 clues with 7 KB fields", func() []string {
			out := make([]string, 500)
			for i := range out {
				out[i] = clueRecord(i+1, long, long, long)
			}
			return out
		}, 10 << 20, 500, func(t *testing.T, cs []clue.Clue) {
			require.Equal(t, clue.Str(long), cs[499].UserName)
			require.Equal(t, clue.Str(long), cs[499].Details[0].Value)
		}},
	})
}

// TestHugePageOfOneField decodes a 10 MB page of one clue.
func TestHugePageOfOneField(t *testing.T) {
	huge := strings.Repeat("十兆字节", 10<<20/12)
	runPages(t, []pageCase{
		{"one clue with a 10 MB page name", func() []string {
			return []string{clueRecord(1, "张三", huge, "好")}
		}, 10 << 20, 1, func(t *testing.T, cs []clue.Clue) {
			require.Equal(t, len(huge), len(cs[0].PageName))
			require.Equal(t, clue.Str("张三"), cs[0].UserName)
		}},
	})
}

// TestHugeOddFieldsDecode takes the slower paths with 2 MB fields: escapes
// to decode, and a record the strict decoder refuses.
func TestHugeOddFieldsDecode(t *testing.T) {
	runPages(t, []pageCase{
		{"a 2 MB escaped answer", func() []string {
			return []string{`{"id":1,"user_name":"李四","details":[{"key":"留言","value":"` +
				strings.Repeat(`\u4e2d\n`, 2<<20/8) + `"}]}`}
		}, 2 << 20, 1, func(t *testing.T, cs []clue.Clue) {
			require.Equal(t, strings.Repeat("中\n", 2<<20/8), string(cs[0].Details[0].Value))
		}},
		{"a 2 MB number for a name, an overflowing tag", func() []string {
			return []string{`{"id":1,"clue_tag":123456789012345678901234567890,"user_name":` +
				strings.Repeat("7", 2<<20) + `,"details":{"key":"not a list"}}`}
		}, 2 << 20, 1, func(t *testing.T, cs []clue.Clue) {
			require.Equal(t, 2<<20, len(cs[0].UserName), "a number where a string belongs keeps its text")
			require.Zero(t, cs[0].ClueTag, "an out-of-range number is no value, not a wrapped one")
		}},
	})
}

func TestHostilePageFails(t *testing.T) {
	tests := []struct {
		name string
		body string
		size int    // the body is at least this large
		want string // in the error
	}{
		{"10 MB of garbage", strings.Repeat("\x00\xff<html>"+hostileToken+"}{][\"\\", 10<<20/41+1),
			10 << 20, "decode response: invalid character"},
		{"10 MB of unterminated JSON", `{"code":0,"data":{"details":[{"id":1,"user_name":"` +
			strings.Repeat("长", 10<<20/3) + hostileToken, 10 << 20, "decode response: unexpected end of JSON input"},
		{"1 MB of JSON that is not an envelope", "[" + strings.Repeat(`"`+hostileToken+`",`, 1<<20/30+1) + "0]",
			1 << 20, "decode response: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.GreaterOrEqual(t, len(tc.body), tc.size)
			c, n, logs := hostileClient(t, serve([]byte(tc.body)))
			page, took, err := listHostile(t, c)
			require.Nil(t, page)
			require.ErrorContains(t, err, "list clues (advertiser 42, page 1): clue list: http 200: "+tc.want)
			require.Equal(t, ClassRetryable, Classify(err), "a bad body may be a passing fault")
			require.Equal(t, int32(1), n.Load())
			require.Less(t, took, 15*time.Second)
			require.Less(t, len(err.Error()), 200, "no body in the error: %.300s", err)
			require.NotContains(t, err.Error(), hostileToken)
			require.NotContains(t, logs.String(), hostileToken)
			require.NotContains(t, logs.String(), "长长长")
		})
	}
}

// endless writes a JSON prefix then filler until the client hangs up (or
// 1 GiB, a safety stop for a client that would read without end).
func endless(w http.ResponseWriter, _ *http.Request) {
	_, _ = w.Write([]byte(`{"code":0,"data":{"details":[{"id":1,"user_name":"`))
	chunk := []byte(strings.Repeat("a", 64<<10))
	for written := 0; written < 1<<30; written += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

// sized is a valid page of exactly n bytes.
func sized(n int) []byte {
	body := okBody("rid-sized", clueRecord(1, "", "页", "好"))
	pad := strings.Repeat("a", n-len(body))
	return []byte(okBody("rid-sized", clueRecord(1, pad, "页", "好")))
}

func TestResponseCap(t *testing.T) {
	require.Equal(t, int64(64<<20), maxBody, "the cap in force is MaxResponseBytes")
	require.EqualError(t, ErrResponseTooLarge, "response body is over the 64 MiB limit")
	const lowered = 1 << 20 // reading 64 MiB would take seconds with -race
	tests := []struct {
		name    string
		cap     int64
		handler http.HandlerFunc
		ok      bool
	}{
		{"exactly at the cap", lowered, serve(sized(lowered)), true},
		{"one byte over the cap", lowered, serve(sized(lowered + 1)), false},
		{"endless body", lowered, endless, false},
		{"declared length over 64 MiB", MaxResponseBytes, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(MaxResponseBytes+1))
			_, _ = w.Write([]byte(`{"code":0,"message":"` + hostileToken))
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			maxBody = tc.cap
			t.Cleanup(func() { maxBody = MaxResponseBytes })
			c, n, logs := hostileClient(t, tc.handler)
			page, took, err := listHostile(t, c)
			require.Less(t, took, 10*time.Second)
			if tc.ok {
				require.NoError(t, err)
				require.Len(t, page.Clues, 1)
				return
			}
			require.Nil(t, page)
			require.ErrorIs(t, err, ErrResponseTooLarge)
			require.EqualError(t, err, "list clues (advertiser 42, page 1): clue list: http 200: response body is over the 64 MiB limit")
			require.Equal(t, ClassPermanent, Classify(err), "a page that large will not shrink")
			require.Equal(t, int32(1), n.Load())
			require.NotContains(t, logs.String(), hostileToken)
		})
	}
}
