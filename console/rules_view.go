package console

import (
	"net/http"
	"slices"
	"strings"

	"github.com/cluebot/cluebot/rulesdiff"
	"github.com/cluebot/cluebot/store"
)

// previewView is a replay as the rules page shows it: counts by name, in
// name order.
type previewView struct {
	Leads, Changed int
	Routes         []countRow
	Receivers      []countRow
	Unrouted       countRow
	Examples       []rulesdiff.Example
	Undecodable    int
}

// countRow is a number of leads before and after a change.
type countRow struct {
	Name          string
	Before, After int
}

// Moved reports whether the change moves leads to or from the row.
func (r countRow) Moved() bool { return r.Before != r.After }

func newPreviewView(res *rulesdiff.Result) *previewView {
	v := &previewView{Leads: res.Leads, Changed: res.Changed, Examples: res.Examples, Undecodable: res.Undecodable,
		Unrouted: countRow{Name: "未匹配", Before: res.Unrouted.Before, After: res.Unrouted.After},
		Routes:   rows(res.Routes), Receivers: rows(res.Receivers)}
	return v
}

func rows(m map[string]*rulesdiff.Count) []countRow {
	out := make([]countRow, 0, len(m))
	for name, c := range m {
		out = append(out, countRow{Name: name, Before: c.Before, After: c.After})
	}
	slices.SortFunc(out, func(a, b countRow) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// lineNumbers numbers the editor's lines, for the column beside it.
func lineNumbers(text string) []int {
	n := max(len(splitLines(text)), 1)
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// renderRules renders the rules page with the editor's line numbers.
func (c *Console) renderRules(w http.ResponseWriter, r *http.Request, status int, s *store.Session, v *rulesView) {
	v.Lines = lineNumbers(v.Text)
	c.render(w, r, status, "rules", s, v)
}
