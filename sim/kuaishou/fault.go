package kuaishou

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"
)

// drawFault draws the fault for one clue-list call, or "" for none, and
// counts it. The caller holds s.mu.
func (s *Server) drawFault() Fault {
	return draw(s.faultRNG, s.opts.Faults.Rate, s.opts.Faults.Kinds, s.stats.Faults)
}

// draw picks one of kinds, uniformly, with probability rate, and counts it;
// otherwise it returns the zero K.
func draw[K comparable](r *rand.Rand, rate float64, kinds []K, counts map[K]int) K {
	var k K
	if rate <= 0 || r.Float64() >= rate {
		return k
	}
	k = kinds[r.IntN(len(kinds))]
	counts[k]++
	return k
}

// writeFault answers with an injected error in place of the real answer.
// Stored data is never touched.
func (s *Server) writeFault(w http.ResponseWriter, f Fault) {
	switch f {
	case FaultHTTP500:
		s.mu.Lock()
		id := hex32(s.idRNG)
		s.mu.Unlock()
		b, _ := json.Marshal(envelope{Code: 500, Message: "系统内部错误", RequestID: id})
		writeBody(w, http.StatusInternalServerError, "application/json;charset=UTF-8", b)
	case FaultHTTP502:
		writeBody(w, http.StatusBadGateway, "text/html", nginxPage("502 Bad Gateway"))
	case FaultHTTP503:
		writeBody(w, http.StatusServiceUnavailable, "text/plain",
			[]byte("upstream connect error or disconnect/reset before headers. reset reason: overflow"))
	case FaultBusy:
		s.writeCode(w, CodeBusy, MsgBusy)
	case FaultHTML:
		writeBody(w, http.StatusOK, "text/html", nginxPage("504 Gateway Time-out"))
	case FaultToken:
		s.writeCode(w, CodeTokenExpired, MsgTokenExpired)
	}
}

// nginxPage renders nginx's stock error page for a status line.
func nginxPage(status string) []byte {
	return fmt.Appendf(nil, "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n"+
		"<center><h1>%s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
		status, status)
}

// stall waits d, or less if ctx ends first; it reports whether d elapsed.
func stall(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// normalize deep-copies a record through JSON so that every number becomes
// an exact json.Number. It panics on a record that cannot be encoded.
func normalize(rec map[string]any) map[string]any {
	return decodeRecord(mustMarshal(rec))
}

// decodeRecord decodes a stored record, numbers as json.Number.
func decodeRecord(b []byte) map[string]any {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var rec map[string]any
	if err := d.Decode(&rec); err != nil {
		panic(fmt.Sprintf("kuaishou: stored record does not decode: %v", err))
	}
	if rec == nil {
		rec = map[string]any{} // Add(id, nil) stores an empty record
	}
	return rec
}

// mustMarshal encodes v like the vendor: no HTML escaping, no trailing newline.
func mustMarshal(v any) []byte {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		panic(fmt.Sprintf("kuaishou: clue cannot be encoded as JSON: %v", err))
	}
	return bytes.TrimSuffix(b.Bytes(), []byte{'\n'})
}
