// Package kuaishou is an in-process simulator of the Kuaishou ads clue-list
// and OAuth2 token APIs, with seeded, deterministic fault injection. It backs
// integration tests, benchmarks, the load script and `cluebot demo`. Besides
// single advertisers it has agencies (one token pair for every advertiser
// they cover, found with the approval list; advertisers join and leave),
// the browser's authorize page, the clue_mark/update write-back, and leads
// that the advertiser's sales work on after a delay.
//
// A *Server is an http.Handler: mount it on an httptest.Server or a loopback
// listener and point the client's base_url at it. Records are kept as the
// vendor's raw JSON, ids as exact decimal numbers (they exceed 2^53, and some
// exceed int64).
package kuaishou

import (
	"fmt"
	"time"
)

// Options configures a Server. The zero value is usable: defaults are filled
// in by New.
type Options struct {
	AppID  int64  // app id the token endpoints require
	Secret string // app secret the token endpoints require

	AccessTTL  time.Duration // access token lifetime; default 24h
	RefreshTTL time.Duration // refresh token lifetime; default 720h

	Faults FaultConfig // faults injected into clue-list calls
	// OAuthFaults are faults injected into code-exchange and approval-list
	// calls (drawn from their own seeded source); refreshes are never
	// faulted, nor the authorize page.
	OAuthFaults FaultConfig
	// MarkFaults are faults injected into clue_mark/update calls.
	MarkFaults FaultConfig
	// Work makes a share of the new leads worked by the advertiser's sales
	// after a delay, as the vendor then shows them: for follow-up tests.
	Work WorkConfig
	// StringIDs writes advertiser ids in token and approval answers as JSON
	// strings, as the vendor sometimes does, instead of numbers.
	StringIDs bool
	Quirks    QuirkConfig // odd code-0 answers to clue-list calls; see SetQuirks
	Seed      int64       // seeds every random choice (faults, tokens, data)

	// Now is the clock token expiry and default times are measured with;
	// default time.Now.
	Now func() time.Time

	// OldestFirst lists clues oldest first (create_time, then id, ascending)
	// instead of the default newest first.
	OldestFirst bool
}

// FaultConfig says which faults are injected into clue-list calls, and how
// often. A fault is drawn for every clue-list call, with the seeded random
// source, before the request is checked; token calls are never faulted.
type FaultConfig struct {
	Rate      float64       // share of clue-list calls that fail, 0..1
	Kinds     []Fault       // faults drawn from, uniformly; default AllFaults
	SlowDelay time.Duration // how long FaultSlow stalls; default 3s
}

// Fault names one kind of injected failure.
type Fault string

// The injectable faults.
const (
	FaultHTTP500   Fault = "http500"   // HTTP 500 with a JSON error body
	FaultHTTP502   Fault = "http502"   // HTTP 502 with nginx's error page
	FaultHTTP503   Fault = "http503"   // HTTP 503 with a plain-text body
	FaultBusy      Fault = "busy"      // HTTP 200, code CodeBusy, "请求过于频繁，请稍后重试"
	FaultTruncated Fault = "truncated" // HTTP 200, a valid prefix of the normal answer, then cut
	FaultHTML      Fault = "html"      // HTTP 200 with an nginx HTML error page
	FaultSlow      Fault = "slow"      // the normal answer after SlowDelay
	FaultToken     Fault = "token"     // HTTP 200, code 402004 although the token is valid
)

// AllFaults lists every fault kind, the default for FaultConfig.Kinds.
var AllFaults = []Fault{
	FaultHTTP500, FaultHTTP502, FaultHTTP503, FaultBusy,
	FaultTruncated, FaultHTML, FaultSlow, FaultToken,
}

// The vendor codes the simulator answers with. The vendor publishes no error
// codes; these are the simulator's choices, and clients should key on the
// message (busy/频繁, token/过期) rather than on the numbers.
const (
	CodeOK                 = 0
	CodeApprovalOK         = 1      // the approval list's success code
	CodeBadRequest         = 400    // a malformed or out-of-range parameter
	CodeAdvertiserNotFound = 400001 // "广告主不存在"
	CodeAppInvalid         = 400100 // "app 校验失败"
	CodeRefreshInvalid     = 400101 // "refresh_token 无效或已过期"
	CodeAuthCodeInvalid    = 400102 // "auth_code 无效或已过期"
	CodeBusy               = 400429 // "请求过于频繁，请稍后重试"
	CodeTokenInvalid       = 402001 // "access_token 无效"
	CodeTokenExpired       = 402004 // "access_token 已过期"
	CodeAdvertiserDenied   = 402003 // "无权访问该广告主": the token does not cover the advertiser
)

// The vendor's messages.
const (
	MsgOK                = "OK"
	MsgAdvertiserMissing = "广告主不存在"
	MsgAppInvalid        = "app 校验失败"
	MsgRefreshInvalid    = "refresh_token 无效或已过期"
	MsgAuthCodeInvalid   = "auth_code 无效或已过期"
	MsgBusy              = "请求过于频繁，请稍后重试"
	MsgTokenInvalid      = "access_token 无效"
	MsgTokenExpired      = "access_token 已过期"
	MsgPageSizeLimit     = "page_size 超过上限"
	MsgAdvertiserDenied  = "无权访问该广告主"
)

// MaxPageSize is the largest page_size the list endpoint accepts.
const MaxPageSize = 500

// DefaultPageSize is the page_size used when a request sends none.
const DefaultPageSize = 20

// withDefaults fills in the zero fields of o and validates the fault kinds.
func (o Options) withDefaults() Options {
	if o.AccessTTL <= 0 {
		o.AccessTTL = 24 * time.Hour
	}
	if o.RefreshTTL <= 0 {
		o.RefreshTTL = 720 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Faults = o.Faults.withDefaults()
	o.OAuthFaults = o.OAuthFaults.withDefaults()
	o.MarkFaults = o.MarkFaults.withDefaults()
	o.Work = o.Work.withDefaults()
	o.Quirks = o.Quirks.withDefaults()
	return o
}

// withDefaults clamps the rate and fills in and checks the kinds; it
// panics on an unknown fault.
func (f FaultConfig) withDefaults() FaultConfig {
	f.Rate = min(max(f.Rate, 0), 1)
	if f.SlowDelay <= 0 {
		f.SlowDelay = 3 * time.Second
	}
	if len(f.Kinds) == 0 {
		f.Kinds = AllFaults
	}
	f.Kinds = append([]Fault(nil), f.Kinds...)
	for _, k := range f.Kinds {
		if !k.valid() {
			panic(fmt.Sprintf("kuaishou: unknown fault kind %q", k))
		}
	}
	return f
}

// valid reports whether f is one of AllFaults.
func (f Fault) valid() bool {
	for _, k := range AllFaults {
		if f == k {
			return true
		}
	}
	return false
}
