package notify

import (
	"errors"
	"fmt"
	"html"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"text/template"

	"github.com/cluebot/cluebot/route"
)

// The kinds of message a template renders; a file is named KIND.TYPE.tmpl.
const (
	KindLead    = "lead"
	KindDigest  = "digest"
	KindSummary = "summary"
	// KindReminder reminds the assignee of a lead not followed up in time.
	KindReminder = "reminder"
	// KindEscalation tells managers of leads still not followed up.
	KindEscalation = "escalation"
	// KindNotice is an operator notice (Message.Notice).
	KindNotice = "notice"
)

// Reserved reports whether name is the template of a kind of message other
// than a single lead (digest, summary, reminder, escalation): a route
// cannot pick it for its leads.
func Reserved(name string) bool {
	switch name {
	case KindDigest, KindSummary, KindReminder, KindEscalation, KindNotice:
		return true
	}
	return false
}

// Templates are the message templates: the platforms' shipped ones
// (Platform.Templates) overlaid with the files of the configured directory,
// one file per kind of message and platform: lead.TYPE.tmpl for one lead,
// digest.TYPE.tmpl for several in one message, summary.TYPE.tmpl for the
// daily numbers, reminder.TYPE.tmpl and escalation.TYPE.tmpl for leads not
// followed up in time, notice.TYPE.tmpl for operator notices, and NAME.TYPE.tmpl for a route's own lead template.
// Copying a shipped file into the directory is how an admin starts
// changing it.
//
// A file defines the message's text with {{define "text"}} (or is the text
// itself), its plain-text title with {{define "title"}} (DingTalk's preview
// in the conversation list, Feishu's card header) and Feishu's header color
// with {{define "color"}} (blue, wathet, turquoise, green, yellow, orange,
// red, carmine, violet, purple, indigo, grey). The data is LeadView,
// DigestView, SummaryView, ReminderView, EscalationView or NoticeView: every string in
// them is already escaped for the platform, and .Mention is the @ of the
// on-duty person. Templates are
// safe for concurrent use.
type Templates struct {
	files  map[string]*template.Template // by file name, e.g. lead.dingtalk.tmpl
	broken map[string]bool               // files of the directory that did not load (CheckTemplates)
	types  []string                      // the platforms that render templates, in order
	// markLink makes a lead's mark link (marklink.Signer.URL); nil when
	// console.base_url is not set. Set once before the templates are used.
	markLink func(clueID string) string
}

// SetMarkLink has every lead rendered with these templates carry the link
// link(clueID) makes, as LeadView.MarkURL; call it before the templates
// are in use.
func (t *Templates) SetMarkLink(link func(clueID string) string) { t.markLink = link }

// MarkLink returns the mark link of clueID that SetMarkLink set up, or ""
// when there is none (console.base_url not set, or t is nil): what a
// notifier without templates, such as the plain webhook, puts in its body.
func (t *Templates) MarkLink(clueID string) string {
	if t == nil || t.markLink == nil || clueID == "" {
		return ""
	}
	return t.markLink(clueID)
}

// RenderOptions say how to render a message for one receiver.
type RenderOptions struct {
	Platform  string // the receiver's type: picks KIND.Platform.tmpl
	Markup    Markup
	MaskPhone bool
	// Mention returns the platform's markup that @s m, or "" when it cannot.
	Mention func(m *route.Member) string
	Shrink  Shrink
	// MarkLink makes a lead's mark link; nil uses the templates' own
	// (SetMarkLink), if any.
	MarkLink func(clueID string) string
}

// Rendered is a message rendered by its template.
type Rendered struct {
	Kind     string // KindLead, KindDigest, KindSummary, KindReminder or KindEscalation
	Title    string // plain text: the conversation list's preview, the card's header
	Text     string // in the platform's markup
	Color    string // the card header's color (Feishu); "" when not defined
	Mentions []string
}

var fileName = regexp.MustCompile(`^([A-Za-z0-9_-]+)\.([a-z]+)\.tmpl$`)

// LoadTemplates loads the shipped templates of ps and overlays those in
// dir; a dir that is empty or does not exist leaves the shipped ones. Every
// file is parsed and tried on sample data; problems are reported as
// "file:line: message".
func (ps Platforms) LoadTemplates(dir string) (*Templates, error) {
	t, err := ps.CheckTemplates(dir)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// CheckTemplates loads the templates like LoadTemplates, but with problems
// it returns them too, as far as they loaded, so that the routes naming them
// can be checked in the same run (`config check`): a file that did not load
// is left out and Broken names it. Such templates must not render.
func (ps Platforms) CheckTemplates(dir string) (*Templates, error) {
	t := &Templates{files: map[string]*template.Template{}, broken: map[string]bool{}}
	for _, p := range ps {
		if p.Templates != nil {
			t.types = append(t.types, p.Type)
		}
	}
	var errs []error
	load := func(fsys fs.FS, prefix, only string) {
		names, err := fs.Glob(fsys, "*.tmpl")
		if err != nil {
			errs = append(errs, err)
			return
		}
		sort.Strings(names)
		for _, name := range names {
			path := filepath.Join(prefix, name)
			src, err := fs.ReadFile(fsys, name)
			if err == nil {
				err = t.add(name, path, string(src), only)
			}
			if err != nil {
				errs = append(errs, err)
				t.broken[name] = true
			}
		}
	}
	for _, p := range ps {
		if p.Templates != nil {
			load(p.Templates, "templates (built in)", p.Type)
		}
	}
	if dir != "" {
		switch st, err := os.Stat(dir); {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			errs = append(errs, fmt.Errorf("templates: %w", err))
		case !st.IsDir():
			errs = append(errs, fmt.Errorf("%s: templates must name a directory", dir))
		default:
			load(os.DirFS(dir), dir, "")
		}
	}
	if len(errs) > 0 {
		return t, errors.Join(errs...)
	}
	return t, nil
}

// DefaultTemplates returns the shipped templates of ps alone.
func (ps Platforms) DefaultTemplates() *Templates {
	t, err := ps.LoadTemplates("")
	if err != nil {
		panic("notify: shipped templates are broken: " + err.Error())
	}
	return t
}

// Renders reports whether messages to receivers of type typ are rendered
// by these templates: typ is a platform with shipped templates (not the
// plain webhook, not email).
func (t *Templates) Renders(typ string) bool { return slices.Contains(t.types, typ) }

// Has reports whether NAME.platform.tmpl exists, so a route's template can
// be checked.
func (t *Templates) Has(name, platform string) bool {
	return t.files[name+"."+platform+".tmpl"] != nil
}

// Broken reports whether NAME.platform.tmpl is a file CheckTemplates could
// not load: it exists, and its own problem is reported.
func (t *Templates) Broken(name, platform string) bool {
	return t.broken[name+"."+platform+".tmpl"]
}

// add parses one file and tries it on sample data; only, when set, is the
// one TYPE the file may have (a platform's shipped file).
func (t *Templates) add(name, path, src, only string) error {
	m := fileName.FindStringSubmatch(name)
	if m == nil {
		return fmt.Errorf("%s:1: a template file is named NAME.TYPE.tmpl", path)
	}
	if only != "" && m[2] != only {
		return fmt.Errorf("%s:1: a %s template among the %s platform's", path, m[2], only)
	}
	if !slices.Contains(t.types, m[2]) {
		return fmt.Errorf("%s:1: %q is not %s", path, m[2], oneOf(t.types))
	}
	tpl, err := template.New(name).Option("missingkey=error").Parse(src)
	if err != nil {
		return located(path, name, err)
	}
	kind := KindLead
	if Reserved(m[1]) {
		kind = m[1]
	}
	var sb strings.Builder
	for _, part := range []string{"title", "color", "text"} {
		sb.Reset()
		if err := execPart(&sb, tpl, part, sampleData(kind)); err != nil {
			return located(path, name, err)
		}
	}
	if strings.TrimSpace(sb.String()) == "" {
		return fmt.Errorf("%s:1: the template renders no text", path)
	}
	t.files[name] = tpl
	return nil
}

// execPart executes {{define part}}, or for "text" without one the file's
// own content; an undefined title or color writes nothing.
func execPart(sb *strings.Builder, tpl *template.Template, part string, data any) error {
	if sub := tpl.Lookup(part); sub != nil {
		return sub.Execute(sb, data)
	}
	if part == "text" {
		return tpl.Execute(sb, data)
	}
	return nil
}

var errPos = regexp.MustCompile(`^template: ([^:]+):(\d+):(?:\d+:)? ?(.*)$`)

// located rewrites a text/template error as "path:line: message".
func located(path, name string, err error) error {
	msg := err.Error()
	if m := errPos.FindStringSubmatch(msg); m != nil && m[1] == name {
		return fmt.Errorf("%s:%s: %s", path, m[2], m[3])
	}
	return fmt.Errorf("%s:1: %s", path, strings.TrimPrefix(msg, "template: "))
}

// Render renders msg with its template: the daily summary, a reminder or an
// escalation (msg.Followup), a digest of several leads, or one lead with its
// route's template (NAME.TYPE.tmpl, falling back to lead.TYPE.tmpl). Every mention appears in the text: one
// the template left out is added on a line of its own.
func (t *Templates) Render(msg *Message, o RenderOptions) (*Rendered, error) {
	r := &Rendered{}
	var data any
	if o.MarkLink == nil {
		o.MarkLink = t.markLink
	}
	c := o.Shrink.caps()
	switch {
	case msg.Summary != nil:
		r.Kind, data = KindSummary, summaryView(msg.Summary, &o, c)
	case msg.Notice != nil:
		r.Kind, data = KindNotice, noticeView(msg.Notice, &o, c)
	case msg.Followup != nil:
		var err error
		if r.Kind, data, r.Mentions, err = followupView(msg, &o, c); err != nil {
			return nil, err
		}
	case len(msg.Alerts) == 1:
		v := leadView(&msg.Alerts[0], &o, c)
		r.Kind, data, r.Mentions = KindLead, v, appendMention(nil, v.Mention)
	case len(msg.Alerts) > 1:
		d := DigestView{Count: len(msg.Alerts), Receiver: Escape(o.Markup, msg.Receiver)}
		for i := range msg.Alerts {
			v := leadView(&msg.Alerts[i], &o, c)
			v.N = i + 1
			d.Leads = append(d.Leads, v)
			r.Mentions = appendMention(r.Mentions, v.Mention)
		}
		r.Kind, data = KindDigest, d
	default:
		return nil, errors.New("render: the message holds no lead and no summary")
	}
	tpl := t.files[r.Kind+"."+o.Platform+".tmpl"]
	if r.Kind == KindLead && msg.Template != "" && !Reserved(msg.Template) && t.Has(msg.Template, o.Platform) {
		tpl = t.files[msg.Template+"."+o.Platform+".tmpl"]
	}
	if tpl == nil {
		return nil, fmt.Errorf("render: no %s template for %q", r.Kind, o.Platform)
	}
	parts := [3]*string{&r.Title, &r.Color, &r.Text}
	for i, part := range []string{"title", "color", "text"} {
		var sb strings.Builder
		if err := execPart(&sb, tpl, part, data); err != nil {
			return nil, fmt.Errorf("render %s: %w", tpl.Name(), err)
		}
		*parts[i] = sb.String()
	}
	if o.Markup == MarkupWeCom || o.Markup == MarkupFeishu {
		r.Title = plainTitle.Replace(html.UnescapeString(r.Title)) // a title is plain text
	}
	r.Title, r.Color, r.Text = oneLine(r.Title), oneLine(r.Color), strings.TrimSpace(r.Text)
	var missing []string
	for _, m := range r.Mentions {
		if !strings.Contains(r.Text, m) {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		r.Text += "\n\n" + strings.Join(missing, " ")
	}
	return r, nil
}

// plainTitle keeps a title's decoded entities from forming tags or URLs.
var plainTitle = strings.NewReplacer("<", "＜", ">", "＞", "[", "［", "]", "］", "://", "：//")

func appendMention(list []string, m string) []string {
	if m == "" {
		return list
	}
	for _, x := range list {
		if x == m {
			return list
		}
	}
	return append(list, m)
}
