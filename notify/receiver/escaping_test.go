package receiver_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/dingtalk"
	"github.com/cluebot/cluebot/notify/feishu"
	"github.com/cluebot/cluebot/notify/wecom"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/sim/robots"
)

// ourMention matches the mentions code makes; any other is an injection.
var ourMention = map[string]*regexp.Regexp{
	dingtalk.Type: regexp.MustCompile(`@13800000001`),
	wecom.Type:    regexp.MustCompile(`<@zhangsan>`),
	feishu.Type:   regexp.MustCompile(`<at id=ou_7d8a6e6df7621556ce0d21922b676706></at>`),
}

// TestHostileLeadOnEveryPlatform sends a lead whose every field tries to
// inject markup and checks the accepted body: no link, no image, no tag, no
// mention but the assignee's, no new block.
func TestHostileLeadOnEveryPlatform(t *testing.T) {
	e := newEnv(t)
	for _, typ := range platforms {
		t.Run(typ, func(t *testing.T) {
			a := notify.Alert{Lead: robots.HostileLead(), Route: "r", Assignee: &robots.SampleMembers[0]}
			_, err := e.notifiers[typ].Notify(context.Background(), &notify.Message{Alerts: []notify.Alert{a}})
			require.NoError(t, err)
			m := e.last(t, typ)
			all := strings.Join(texts(m.Body), "\n")
			rest := ourMention[typ].ReplaceAllString(all, "")
			require.Equal(t, 1, len(ourMention[typ].FindAllString(all, -1)), "exactly one real mention")
			for _, bad := range []string{"](", "<at", "<@", "@所有人", "@all", "@1380", "http://", "<font color=\"warning\">红",
				"\n# ", "\n> 引用", "\n- 列表", "\n1. 有序", "**粗体**", "`code`"} {
				require.NotContains(t, rest, bad)
			}
			if typ == dingtalk.Type {
				require.Equal(t, []any{"13800000001"}, dig(m.Body, "at", "atMobiles"))
				require.Equal(t, false, dig(m.Body, "at", "isAtAll"))
			}
			if typ != dingtalk.Type {
				require.Contains(t, all, "&amp;lt;at id=all&amp;gt;", "an entity in a lead stays text")
			}
			shown := e.sim.Render(m)
			require.Contains(t, shown, "点我", "the text itself is shown")
			require.Equal(t, 1, strings.Count(shown, "@张三"))
			require.NotContains(t, shown, "@所有人")
		})
	}
}

// TestHostileLeadWeComText is the hostile lead on WeCom's text fallback,
// taken when the assignee has only a mobile.
func TestHostileLeadWeComText(t *testing.T) {
	e := newEnv(t)
	a := notify.Alert{Lead: robots.HostileLead(), Route: "r", Assignee: &robots.SampleMembers[1]}
	_, err := e.notifiers[wecom.Type].Notify(context.Background(), &notify.Message{Alerts: []notify.Alert{a}})
	require.NoError(t, err)
	m := e.last(t, wecom.Type)
	require.Equal(t, "text", m.Body["msgtype"])
	require.Equal(t, []any{"13800000002"}, dig(m.Body, "text", "mentioned_mobile_list"))
	require.Nil(t, dig(m.Body, "text", "mentioned_list"))
	content := dig(m.Body, "text", "content").(string)
	for _, bad := range []string{"<@", "<at", "@all", "@所有人", "@1380", "http://", "\n# "} {
		require.NotContains(t, content, bad)
	}
	require.Contains(t, content, "点我")
}

func TestMentionsPerPlatform(t *testing.T) {
	tests := []struct {
		member route.Member
		want   map[string]string // what the phone shows, per platform
	}{
		{member: robots.SampleMembers[0], want: map[string]string{dingtalk.Type: "@张三", wecom.Type: "@张三", feishu.Type: "@张三"}},
		{member: robots.SampleMembers[1], want: map[string]string{dingtalk.Type: "@李四", wecom.Type: "@李四", feishu.Type: "跟进：李四"}},
		{member: robots.SampleMembers[2], want: map[string]string{dingtalk.Type: "跟进：王五", wecom.Type: "@王五", feishu.Type: "跟进：王五"}},
		{member: robots.SampleMembers[3], want: map[string]string{dingtalk.Type: "跟进：赵敏", wecom.Type: "跟进：赵敏", feishu.Type: "@赵敏"}},
	}
	e := newEnv(t)
	for _, tc := range tests {
		for _, typ := range platforms {
			t.Run(tc.member.Name+"/"+typ, func(t *testing.T) {
				a := notify.Alert{Lead: robots.SampleLead(), Route: "r", Assignee: &tc.member}
				_, err := e.notifiers[typ].Notify(context.Background(), &notify.Message{Alerts: []notify.Alert{a}})
				require.NoError(t, err)
				require.Contains(t, e.sim.Render(e.last(t, typ)), tc.want[typ])
			})
		}
	}
}

// TestTruncation sends a lead with huge form answers: every platform's
// robot accepts it (it enforces the limits), the text is valid UTF-8 and
// the mention is still there.
func TestTruncation(t *testing.T) {
	limits := map[string]func(m map[string]any, raw []byte) int{
		dingtalk.Type: func(_ map[string]any, raw []byte) int { return 20000 - len(raw) },
		wecom.Type:    func(m map[string]any, _ []byte) int { return 4096 - len(dig(m, "markdown", "content").(string)) },
		feishu.Type:   func(_ map[string]any, raw []byte) int { return 20000 - len(raw) },
	}
	e := newEnv(t)
	for _, typ := range platforms {
		for _, huge := range []struct{ n, size int }{{200, 300}, {3, 30000}} {
			t.Run(typ, func(t *testing.T) {
				a := notify.Alert{Lead: robots.HugeLead(huge.n, huge.size), Route: "r", Assignee: &robots.SampleMembers[0]}
				a.Lead.UserName = strings.Repeat("名", 4000)
				_, err := e.notifiers[typ].Notify(context.Background(), &notify.Message{Alerts: []notify.Alert{a}})
				require.NoError(t, err)
				m := e.last(t, typ)
				require.GreaterOrEqual(t, limits[typ](m.Body, m.Raw), 0, "under the limit")
				for _, s := range texts(m.Body) {
					require.True(t, utf8.ValidString(s))
				}
				require.Regexp(t, ourMention[typ], string(m.Raw), "the mention survives")
				require.Contains(t, e.sim.Render(m), "@张三")
			})
		}
	}
}

func TestDigests(t *testing.T) {
	e := newEnv(t)
	for _, typ := range platforms {
		t.Run(typ, func(t *testing.T) {
			msg := &notify.Message{}
			for i := range 5 {
				msg.Alerts = append(msg.Alerts, digestAlert(i))
			}
			_, err := e.notifiers[typ].Notify(context.Background(), msg)
			require.NoError(t, err)
			shown := e.sim.Render(e.last(t, typ))
			require.Contains(t, shown, "5 条新线索")
			for i := range 5 {
				require.Contains(t, shown, "客户0"+string(rune('0'+i)))
			}
			require.Contains(t, shown, "@张三")

			before := len(e.sim.Messages(typ))
			big := &notify.Message{}
			for i := range 300 {
				big.Alerts = append(big.Alerts, digestAlert(i))
			}
			retry, err := e.notifiers[typ].Notify(context.Background(), big)
			require.False(t, retry)
			require.Equal(t, notify.TooLarge, notify.ClassOf(err), "the caller splits it")
			require.ErrorIs(t, err, notify.ErrTooLarge)
			require.Len(t, e.sim.Messages(typ), before, "nothing was sent")
		})
	}
}

func dig(v any, path ...string) any {
	for _, k := range path {
		v = v.(map[string]any)[k]
	}
	return v
}

// TestTruncationWeComText is the huge lead on WeCom's text fallback, whose
// limit is 2048 bytes.
func TestTruncationWeComText(t *testing.T) {
	e := newEnv(t)
	a := notify.Alert{Lead: robots.HugeLead(50, 200), Route: "r", Assignee: &robots.SampleMembers[1]}
	_, err := e.notifiers[wecom.Type].Notify(context.Background(), &notify.Message{Alerts: []notify.Alert{a}})
	require.NoError(t, err)
	m := e.last(t, wecom.Type)
	content := dig(m.Body, "text", "content").(string)
	require.LessOrEqual(t, len(content), 2048)
	require.True(t, utf8.ValidString(content))
	require.Contains(t, content, "另有", "answers left out are counted")
	require.Equal(t, []any{"13800000002"}, dig(m.Body, "text", "mentioned_mobile_list"))
}
