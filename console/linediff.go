package console

import "strings"

// diffLine is one line of a line diff: Op is ' ' (both), '-' (only in the
// old text) or '+' (only in the new).
type diffLine struct {
	Op   string
	Old  int // line number in the old text, 0 for an added line
	New  int // line number in the new text, 0 for a removed line
	Text string
}

// maxDiffCells bounds the LCS table; texts beyond it show as replaced whole.
const maxDiffCells = 4 << 20

// lineDiff returns the lines of old and new, the common ones once, by the
// longest common subsequence of their lines. Rules files are a few hundred
// lines, so the quadratic table is small.
func lineDiff(old, new string) []diffLine {
	a, b := splitLines(old), splitLines(new)
	n, m := len(a), len(b)
	if n*m > maxDiffCells {
		out := make([]diffLine, 0, n+m)
		for i, l := range a {
			out = append(out, diffLine{Op: "-", Old: i + 1, Text: l})
		}
		for j, l := range b {
			out = append(out, diffLine{Op: "+", New: j + 1, Text: l})
		}
		return out
	}
	// lcs[i][j] is the LCS length of a[i:] and b[j:].
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []diffLine
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			out = append(out, diffLine{Op: " ", Old: i + 1, New: j + 1, Text: a[i]})
			i, j = i+1, j+1
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			out = append(out, diffLine{Op: "-", Old: i + 1, Text: a[i]})
			i++
		default:
			out = append(out, diffLine{Op: "+", New: j + 1, Text: b[j]})
			j++
		}
	}
	return out
}

// splitLines splits text into lines without their ends; a last line
// without an end counts, an empty text has none.
func splitLines(text string) []string {
	text = strings.TrimSuffix(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}
