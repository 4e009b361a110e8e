package robots

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"

	"github.com/cluebot/cluebot/route"
)

var platformNames = map[string]string{DingTalk: "钉钉", WeCom: "企业微信", Feishu: "飞书", Webhook: "webhook"}

// Render shows message m the way the chat app shows it on a phone, for a
// terminal: markdown as plain lines (no bold, headings, quotes or font
// tags, links as text<url>, entities decoded), every mention as @Name (by
// the members AddMembers registered, else the raw id or number), a card's
// header on top.
func (s *Server) Render(m Received) string {
	s.mu.Lock()
	members := slices.Clone(s.members)
	uploads := slices.Clone(s.uploads)
	s.mu.Unlock()
	var title string
	var lines []string
	b := m.Body
	switch m.Platform {
	case DingTalk:
		typ := str(b, "msgtype")
		title = str(b, typ, "title")
		text := str(b, typ, "text") + str(b, typ, "content")
		for _, ids := range []string{"atMobiles", "atUserIds"} {
			for _, id := range strs(dig(b, "at", ids)) {
				text = strings.ReplaceAll(text, "@"+id, "@"+nameOf(members, id))
			}
		}
		lines = plain(text, false)
	case WeCom:
		typ := str(b, "msgtype")
		lines = plain(weComMentions(str(b, typ, "content"), members), typ != "text")
		var at []string
		for _, id := range append(strs(dig(b, "text", "mentioned_list")), strs(dig(b, "text", "mentioned_mobile_list"))...) {
			at = append(at, "@"+nameOf(members, id))
		}
		if len(at) > 0 {
			lines = append(lines, strings.Join(at, " "))
		}
		if id := str(b, typ, "media_id"); id != "" {
			for _, u := range uploads {
				if u.MediaID == id {
					lines = append(lines, fmt.Sprintf("[文件] %s (%d B)", u.Name, len(u.Data)))
				}
			}
		}
	case Feishu:
		title, lines = renderFeishu(b, members)
	default:
		var out bytes.Buffer
		json.Indent(&out, m.Raw, "", "  ")
		lines = strings.Split(out.String(), "\n")
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "┌─ %s", platformNames[m.Platform])
	if title != "" {
		sb.WriteString(" · " + title)
	}
	for _, l := range lines {
		sb.WriteString("\n│ " + l)
	}
	sb.WriteString("\n└─\n")
	return sb.String()
}

var (
	weComAt  = regexp.MustCompile(`<@([^>\s]+)>`)
	feishuAt = regexp.MustCompile(`<at (?:id|user_id|open_id)=["']?([^"'>\s]+)["']?\s*>([^<]*)</at>`)
	fontTag  = regexp.MustCompile(`</?font[^>]*>`)
	mdLink   = regexp.MustCompile(`!?\[([^\]]*)\]\(([^)]*)\)`)
	heading  = regexp.MustCompile(`^#{1,6}\s+`)
	quote    = regexp.MustCompile(`^(\s*>)+\s?`)
	bold     = regexp.MustCompile(`\*\*([^*\n]+)\*\*`)
)

func weComMentions(text string, members []route.Member) string {
	return weComAt.ReplaceAllStringFunc(text, func(m string) string {
		return "@" + nameOf(members, weComAt.FindStringSubmatch(m)[1])
	})
}

// renderFeishu returns a Feishu message's title and lines.
func renderFeishu(b map[string]any, members []route.Member) (string, []string) {
	at := func(text string) string {
		return feishuAt.ReplaceAllStringFunc(text, func(m string) string {
			sub := feishuAt.FindStringSubmatch(m)
			if sub[1] == "all" {
				return "@所有人"
			}
			if n := nameOf(members, sub[1]); n != sub[1] || sub[2] == "" {
				return "@" + n
			}
			return "@" + sub[2]
		})
	}
	switch str(b, "msg_type") {
	case "text":
		return "", plain(at(str(b, "content", "text")), false)
	case "interactive":
		var lines []string
		els, _ := dig(b, "card", "body", "elements").([]any)
		if els == nil {
			els, _ = dig(b, "card", "elements").([]any)
		}
		for _, e := range els {
			switch str(e, "tag") {
			case "markdown":
				lines = append(lines, plain(at(str(e, "content")), true)...)
			case "div":
				lines = append(lines, plain(at(str(e, "text", "content")), true)...)
			case "hr":
				lines = append(lines, "────────")
			}
		}
		return str(b, "card", "header", "title", "content"), lines
	case "post":
		var lines []string
		for _, lang := range []string{"zh_cn", "en_us"} {
			paras, _ := dig(b, "content", "post", lang, "content").([]any)
			for _, p := range paras {
				var sb strings.Builder
				for _, e := range p.([]any) {
					switch str(e, "tag") {
					case "at":
						sb.WriteString("@" + nameOf(members, str(e, "user_id")))
					case "a":
						sb.WriteString(str(e, "text") + "<" + str(e, "href") + ">")
					default:
						sb.WriteString(str(e, "text"))
					}
				}
				lines = append(lines, sb.String())
			}
			if paras != nil {
				return str(b, "content", "post", lang, "title"), lines
			}
		}
	}
	return "", []string{"[" + str(b, "msg_type") + "]"}
}

// plain turns markdown into the lines a phone shows.
func plain(md string, entities bool) []string {
	var out []string
	for _, l := range strings.Split(md, "\n") {
		l = quote.ReplaceAllString(heading.ReplaceAllString(l, ""), "")
		if strings.HasPrefix(l, "- ") {
			l = "• " + l[2:]
		}
		l = mdLink.ReplaceAllString(fontTag.ReplaceAllString(bold.ReplaceAllString(l, "$1"), ""), "$1<$2>")
		if entities {
			l = html.UnescapeString(l)
		}
		if l = strings.TrimRight(l, " \t"); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// nameOf returns the name of the member with id as mobile, WeCom userid or
// Feishu open_id, else id itself.
func nameOf(members []route.Member, id string) string {
	if id == "@all" || id == "all" {
		return "所有人"
	}
	for _, m := range members {
		if id != "" && (m.Mobile == id || m.WeComUserID == id || m.FeishuOpenID == id) {
			return m.Name
		}
	}
	return id
}

// strs returns the strings of a parsed JSON array.
func strs(v any) []string {
	arr, _ := v.([]any)
	var out []string
	for _, e := range arr {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
