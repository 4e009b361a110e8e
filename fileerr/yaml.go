package fileerr

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yamlLine matches the line go.yaml.in/yaml/v3 puts in its errors.
var yamlLine = regexp.MustCompile(`^yaml: (?:unmarshal errors:\s*)?line (\d+): (.*)$`)

// maxSearchLines bounds the search for a syntax error's line: each line
// searched parses the file up to it again.
const maxSearchLines = 2000

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
	return &Error{File: file, Line: line, Msg: m[2]}
}

// firstFailing returns the first line, from the reported one on (the
// problem is never before the construct it is in), such that the file up
// to it fails with msg; 0 when none does within maxSearchLines.
func firstFailing(data []byte, msg string, from int) int {
	ends := lineEnds(data)
	if len(ends) > maxSearchLines+from {
		ends = ends[:maxSearchLines+from]
	}
	var node yaml.Node
	for k := max(1, from); k <= len(ends); k++ {
		err := yaml.Unmarshal(data[:ends[k-1]], &node)
		if err != nil && strings.TrimSpace(err.Error()) == msg {
			return k
		}
	}
	return 0
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
