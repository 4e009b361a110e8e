package fileerr

import (
	"bytes"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yamlLine matches the line go.yaml.in/yaml/v3 puts in its errors.
var yamlLine = regexp.MustCompile(`^yaml: (?:unmarshal errors:\s*)?line (\d+): (.*)$`)

// YAML places an error of go.yaml.in/yaml/v3, met parsing data, at its
// line. For a syntax error the parser names the line before the construct
// the problem is in (the block list, the unclosed `[`), counted from 0:
// line 1 for a bad indent deep in a list of routes. So the line is looked
// for again: the first line whose part of the file, up to and including
// it, fails with the very same error is where the problem shows. Msg
// leaves out the "yaml: line N:" prefix.
func YAML(file string, data []byte, err error) *Error {
	msg := strings.TrimSpace(err.Error())
	m := yamlLine.FindStringSubmatch(msg)
	if m == nil {
		return &Error{File: file, Msg: strings.TrimPrefix(msg, "yaml: ")}
	}
	line, _ := strconv.Atoi(m[1])
	if l := firstFailing(data, msg, line); l > 0 {
		line = l
	}
	text := m[2]
	if ends := lineEnds(data); strings.Contains(text, "cannot start any token") && line >= 1 && line <= len(ends) {
		start := 0
		if line > 1 {
			start = ends[line-2]
		}
		if bytes.IndexByte(data[start:ends[line-1]], '\t') >= 0 {
			text += " (a tab: indent with spaces)"
		}
	}
	return &Error{File: file, Line: line, Msg: text}
}

// firstFailing returns the first line, from the reported one on (the
// problem is never before the construct it is in), such that the file up
// to it fails with msg, as the whole file does; 0 when none does. The file
// cut before the problem parses or fails otherwise (ends inside a
// construct), and cut at or after it fails as the whole file does, so a
// binary search finds the line in a few parses of a file of any length.
func firstFailing(data []byte, msg string, from int) int {
	ends := lineEnds(data)
	fails := func(k int) bool {
		var node yaml.Node
		err := yaml.Unmarshal(data[:ends[k-1]], &node)
		return err != nil && strings.TrimSpace(err.Error()) == msg
	}
	lo := max(1, from)
	if lo > len(ends) || !fails(len(ends)) {
		return 0
	}
	k := lo + sort.Search(len(ends)-lo+1, func(i int) bool { return fails(lo + i) })
	if k > len(ends) {
		return 0
	}
	return k
}

// lineEnds returns the offset just past each line of data.
func lineEnds(data []byte) []int {
	var ends []int
	for off := 0; off < len(data); {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			ends = append(ends, len(data))
			break
		}
		off += i + 1
		ends = append(ends, off)
	}
	return ends
}
