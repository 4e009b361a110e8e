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

// std is whether UseStdJSON chose encoding/json.
var std bool

// unmarshalShared is unmarshal for DecodeRouted: with goccy/go-json, its
// strings without an escape refer to b instead of copies of it, and v is
// decoded without escaping to the heap.
func unmarshalShared[T any](b []byte, v *T) error {
	if std {
		// A value of its own, so that v does not escape to the heap
		// whichever decoder runs.
		w := new(T)
		err := stdjson.Unmarshal(b, w)
		*v = *w
		return err
	}
	return json.UnmarshalOf(b, v, json.DecodeNoCopyString())
}

// UseStdJSON makes the package decode clues with encoding/json (true) or
// goccy/go-json (false, the default). It exists for the benchmarks that
// weigh the two decoders and is not safe to call while clues are decoded.
func UseStdJSON(useStd bool) {
	std = useStd
	if std {
		unmarshal = stdjson.Unmarshal
	} else {
		unmarshal = json.Unmarshal
	}
}
