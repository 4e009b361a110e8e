package clue

import (
	stdjson "encoding/json"

	json "github.com/goccy/go-json"
)

// unmarshal is the JSON decoder of every clue record: goccy/go-json. It is
// a variable so that fetch's BenchmarkSync and BenchmarkDecodePage can weigh
// it against encoding/json (through UseStdJSON): in BenchmarkSync it takes
// about 30% less CPU a clue, the sync as a whole being 1.3-1.5x faster, and
// decodes a page of 500 clues about 4x faster. Both decode the package's
// fixtures and fuzz corpus alike.
var unmarshal = json.Unmarshal

// unmarshalShared is unmarshal whose strings without an escape refer to
// the input instead of copies of it: DecodeRouted's.
var unmarshalShared = func(b []byte, v any) error {
	return json.UnmarshalWithOption(b, v, json.DecodeNoCopyString())
}

// UseStdJSON makes the package decode clues with encoding/json (true) or
// goccy/go-json (false, the default). It exists for the benchmarks that
// weigh the two decoders and is not safe to call while clues are decoded.
func UseStdJSON(std bool) {
	if std {
		unmarshal, unmarshalShared = stdjson.Unmarshal, stdjson.Unmarshal
	} else {
		unmarshal = json.Unmarshal
		unmarshalShared = func(b []byte, v any) error {
			return json.UnmarshalWithOption(b, v, json.DecodeNoCopyString())
		}
	}
}
