// Package templates holds the shipped message templates, one file per kind of
// message and chat platform: lead.TYPE.tmpl for one lead, digest.TYPE.tmpl
// for several leads in one message and summary.TYPE.tmpl for the daily
// numbers, where TYPE is dingtalk, wecom or feishu. notify.LoadTemplates
// reads them and overlays the files of the configured templates directory,
// so copying one of these files there is how an admin starts changing it.
//
// A file defines the message's text with {{define "text"}} (or is the text
// itself), its plain-text title with {{define "title"}} (DingTalk's preview
// in the conversation list, Feishu's card header) and Feishu's header color
// with {{define "color"}} (blue, wathet, turquoise, green, yellow, orange,
// red, carmine, violet, purple, indigo, grey). The data is notify.LeadView,
// notify.DigestView or notify.SummaryView: every string in them is already
// escaped for the platform, and .Mention is the @ of the on-duty person.
package templates

import "embed"

// FS holds the shipped templates.
//
//go:embed *.tmpl
var FS embed.FS
