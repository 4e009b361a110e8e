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

// faulted answers a call with answer's body, or with the fault drawn for
// it from r with cfg (counted in counts): an error in place of the answer,
// the answer after a stall, or a valid prefix of it. answer is told the
// fault ("" for none, FaultSlow or FaultTruncated) and runs outside s.mu.
func (s *Server) faulted(w http.ResponseWriter, req *http.Request, r *rand.Rand, cfg FaultConfig,
	counts map[Fault]int, answer func(Fault) []byte) {
	s.mu.Lock()
	f := draw(r, cfg.Rate, cfg.Kinds, counts)
	s.mu.Unlock()
	switch f {
	case "", FaultTruncated:
	case FaultSlow:
		if !stall(req.Context(), cfg.SlowDelay) {
			return // the client gave up
		}
	default:
		s.writeFault(w, f)
		return
	}
	b := answer(f)
	if f == FaultTruncated {
		s.mu.Lock()
		b = b[:1+r.IntN(len(b)-1)]
		s.mu.Unlock()
	}
	writeBody(w, http.StatusOK, "application/json;charset=UTF-8", b)
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
