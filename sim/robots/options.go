// Package robots is an in-process simulator of the DingTalk, WeCom and Feishu
// group robots (and of a plain JSON webhook sink), for tests, fault tests and
// `cluebot demo`.
//
// A *Server is an http.Handler. Register robots with AddDingTalk, AddWeCom,
// AddFeishu and AddWebhook, each returning the path to append to the server's
// base URL. It checks what the real platforms check (signatures and their
// time window, keywords, size limits, rate limits) and answers with their
// real bodies, HTTP 200 for business errors like the platforms (Feishu's 9499
// comes with HTTP 400, as observed). It records every accepted message and
// every refusal, and Render shows a message the way a phone would.
package robots

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Options configures a Server. The zero value is usable.
type Options struct {
	// Now is the clock signatures, rate windows and penalties are measured
	// with; default time.Now.
	Now func() time.Time
	// FaultRate is the share of requests answered with an injected fault,
	// 0..1, drawn with a random source seeded by Seed.
	FaultRate float64
	// Faults are the kinds drawn from, uniformly; default AllFaults.
	Faults []Fault
	// SlowDelay is how long FaultSlow stalls; default 3s.
	SlowDelay time.Duration
	Seed      uint64
}

// Fault names one kind of injected failure.
type Fault string

// The injectable faults.
const (
	Fault5xx       Fault = "5xx"        // HTTP 502 with nginx's error page
	FaultRateLimit Fault = "rate-limit" // the platform's rate-limit answer, outside the real window
	FaultSlow      Fault = "slow"       // the normal answer after SlowDelay
)

// AllFaults lists every fault kind, the default for Options.Faults.
var AllFaults = []Fault{Fault5xx, FaultRateLimit, FaultSlow}

// The platforms, as Received.Platform and Refusal.Platform name them.
const (
	DingTalk = "dingtalk"
	WeCom    = "wecom"
	Feishu   = "feishu"
	Webhook  = "webhook"
)

// The platforms' limits, as the simulator enforces them: in sliding windows
// that count a request when it arrives.
const (
	DingTalkMaxBody   = 20000 // bytes of the request body
	DingTalkPerMinute = 20    // messages a robot takes in any 60 s
	DingTalkPenalty   = 10 * time.Minute
	WeComMaxMarkdown  = 4096 // bytes of markdown.content
	WeComMaxText      = 2048 // bytes of text.content
	WeComPerMinute    = 20
	WeComMaxFile      = 20 << 20 // bytes of an uploaded file
	WeComMediaTTL     = 72 * time.Hour
	FeishuMaxBody     = 20 << 10 // bytes of the request body
	FeishuPerSecond   = 5
	FeishuPerMinute   = 100
	// FeishuRateLimited is the msg of code 11232, the answer to a bot over
	// its limit (the code is documented, its text is the simulator's).
	FeishuRateLimited    = "frequency limited"
	SignatureWindow      = time.Hour // how far a signed timestamp may be off
	WebhookSignatureSkew = 5 * time.Minute
)

// withDefaults fills in the zero fields of o and checks the fault kinds.
func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	o.FaultRate = min(max(o.FaultRate, 0), 1)
	if o.SlowDelay <= 0 {
		o.SlowDelay = 3 * time.Second
	}
	if len(o.Faults) == 0 {
		o.Faults = AllFaults
	}
	o.Faults = append([]Fault(nil), o.Faults...)
	for _, f := range o.Faults {
		if f != Fault5xx && f != FaultRateLimit && f != FaultSlow {
			panic(fmt.Sprintf("robots: unknown fault kind %q", f))
		}
	}
	return o
}

// drawFault draws the fault for one request, or "" for none.
func (s *Server) drawFault() Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opts.FaultRate <= 0 || s.rng.Float64() >= s.opts.FaultRate {
		return ""
	}
	return s.opts.Faults[s.rng.IntN(len(s.opts.Faults))]
}

// fault is the answer of an injected 5xx or rate-limit fault.
func (s *Server) fault(req *request, f Fault) answer {
	if f == Fault5xx {
		return answer{status: http.StatusBadGateway, fault: f, msg: "502 Bad Gateway", text: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n" +
			"<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"}
	}
	var a answer
	switch req.platform {
	case DingTalk:
		a = dingTalkError(130101, "send too fast, exceed 20 times per minute")
	case WeCom:
		a = weComError(45009, "api freq out of limit")
	case Feishu:
		a = feishuError(http.StatusBadRequest, 9499, "too many request")
	default:
		a = answer{status: http.StatusTooManyRequests, code: 429, msg: "too many requests", body: map[string]any{"error": "too many requests"}}
	}
	a.fault = f
	return a
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
