package fetch

import (
	json "github.com/goccy/go-json"
)

// unmarshal is the JSON decoder of the API's envelopes (the records within
// are the clue package's): goccy/go-json, a variable so that the benchmarks
// can weigh it against encoding/json, as clue.UseStdJSON does for records.
var unmarshal = json.Unmarshal
