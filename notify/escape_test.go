package notify_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/sim/robots"
)

var markups = map[string]notify.Markup{
	"dingtalk": notify.MarkupDingTalk, "wecom": notify.MarkupWeCom,
	"wecom text": notify.MarkupWeComText, "feishu": notify.MarkupFeishu,
}

func TestEscapeExact(t *testing.T) {
	tests := []struct {
		name string
		m    notify.Markup
		in   string
		want string
	}{
		{name: "plain chinese is kept", m: notify.MarkupFeishu, in: "宝马2系 郑州 哈登店", want: "宝马2系 郑州 哈登店"},
		{name: "dingtalk link", m: notify.MarkupDingTalk, in: "[点我](http://x)", want: "［点我］(http：//x)"},
		{name: "wecom tags", m: notify.MarkupWeCom, in: `<@all> & <font>`, want: "&lt;＠all&gt; &amp; &lt;font&gt;"},
		{name: "wecom text tags", m: notify.MarkupWeComText, in: "<@all>", want: "＜＠all＞"},
		{name: "feishu at tag", m: notify.MarkupFeishu, in: "<at id=all></at>", want: "&#60;at id=all&#62;&#60;/at&#62;"},
		{name: "feishu emphasis and scheme", m: notify.MarkupFeishu, in: "*a* _b_ ~c~ http://x", want: "&#42;a&#42; &#95;b&#95; &#126;c&#126; http&#58;//x"},
		{name: "masked phone on dingtalk", m: notify.MarkupDingTalk, in: "155****8917", want: "155∗∗∗∗8917"},
		{name: "at sign", m: notify.MarkupDingTalk, in: "@13800000001", want: "＠13800000001"},
		{name: "new lines become spaces", m: notify.MarkupDingTalk, in: "a\r\n\r\n# b\n> c\u2028d", want: "a ＃ b ＞ c d"},
		{name: "heading at start", m: notify.MarkupWeCom, in: "## x", want: "＃＃ x"},
		{name: "list at start", m: notify.MarkupDingTalk, in: "- x", want: "－ x"},
		{name: "list at start feishu", m: notify.MarkupFeishu, in: "+ x", want: "&#43; x"},
		{name: "ordered list at start", m: notify.MarkupDingTalk, in: "1. x", want: "1\u200b. x"},
		{name: "decimal number is kept", m: notify.MarkupDingTalk, in: "3.5万", want: "3.5万"},
		// Clients turn a bare domain into a link: its dots become look-alikes.
		{name: "bare domain on dingtalk", m: notify.MarkupDingTalk, in: "访问 www.evil.com 领奖", want: "访问 www．evil．com 领奖"},
		{name: "bare domain on wecom text", m: notify.MarkupWeComText, in: "evil.cn/login", want: "evil．cn/login"},
		{name: "bare domain on feishu", m: notify.MarkupFeishu, in: "evil.com", want: "evil&#46;com"},
		{name: "scheme url loses its domain too", m: notify.MarkupWeCom, in: "http://a.evil.com", want: "http：//a.evil．com"},
		{name: "file names are kept", m: notify.MarkupDingTalk, in: "cluebot-2024-04-30.xlsx", want: "cluebot-2024-04-30.xlsx"},
		{name: "version dots are kept", m: notify.MarkupDingTalk, in: "X5 2.0T", want: "X5 2.0T"},
		{name: "dash inside is kept", m: notify.MarkupDingTalk, in: "a - b", want: "a - b"},
		{name: "bidi override dropped", m: notify.MarkupDingTalk, in: "a\u202eb", want: "ab"},
		{name: "trimmed", m: notify.MarkupDingTalk, in: "  x\t", want: "x"},
		{name: "empty", m: notify.MarkupFeishu, in: "", want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, notify.Escape(tc.m, tc.in))
		})
	}
}

// TestEscapeHostile checks that no markup in a hostile string survives on
// any platform: no link, no mention, no tag, no block, one line.
func TestEscapeHostile(t *testing.T) {
	l := robots.HostileLead()
	inputs := []string{robots.Hostile, l.PageName, l.IntentionLabel, l.City, l.Store}
	for _, a := range l.Answers {
		inputs = append(inputs, a.Label, a.Value)
	}
	for name, m := range markups {
		t.Run(name, func(t *testing.T) {
			for _, in := range inputs {
				out := notify.Escape(m, in)
				require.True(t, utf8.ValidString(out))
				for _, bad := range []string{"](", "[", "<at", "<@", "<font", "@", "://", "\n", "\r", "**", "`", "# ", "> "} {
					require.NotContains(t, out, bad, "%q from %q", bad, in)
				}
				if m == notify.MarkupFeishu || m == notify.MarkupWeCom {
					require.NotContains(t, strings.ReplaceAll(out, "&", ""), "<", "angle brackets are entities")
				}
			}
		})
	}
}
