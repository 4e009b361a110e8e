package robots

import (
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cluebot/cluebot/route"
)

// Server simulates the chat robots. It implements http.Handler and is safe
// for concurrent use.
type Server struct {
	opts Options

	mu       sync.Mutex
	rng      *rand.Rand
	robots   map[string]*robot // by platform + "/" + id
	members  []route.Member
	received []Received
	refusals []Refusal
	uploads  []Upload
}

// robot is one registered robot and its rate-limit state.
type robot struct {
	platform string
	id       string
	secret   string
	keyword  string
	sent     []time.Time          // accepted messages, oldest first
	blocked  time.Time            // DingTalk refuses everything until then
	media    map[string]time.Time // WeCom media ids and when they expire
}

// New returns a simulator with no robots.
func New(opts Options) *Server {
	opts = opts.withDefaults()
	return &Server{
		opts:   opts,
		rng:    rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
		robots: map[string]*robot{},
	}
}

// AddMembers registers people so that Render shows their mentions by name.
func (s *Server) AddMembers(ms ...route.Member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members = append(s.members, ms...)
}

func (s *Server) add(platform, id, secret, keyword string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.robots[platform+"/"+id] = &robot{platform: platform, id: id, secret: secret, keyword: keyword,
		media: map[string]time.Time{}}
}

// ServeHTTP answers one robot request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	arrived := s.opts.Now() // rate limits count a request when it arrives
	p := r.URL.Path
	var platform, id string
	var handle func(*request) answer
	switch {
	case p == "/dingtalk/robot/send":
		platform, id, handle = DingTalk, r.URL.Query().Get("access_token"), s.dingTalk
	case p == "/wecom/cgi-bin/webhook/send":
		platform, id, handle = WeCom, r.URL.Query().Get("key"), s.weCom
	case p == "/wecom/cgi-bin/webhook/upload_media":
		platform, id, handle = WeCom, r.URL.Query().Get("key"), s.weComUpload
	case strings.HasPrefix(p, "/feishu/open-apis/bot/v2/hook/"):
		platform, id, handle = Feishu, strings.TrimPrefix(p, "/feishu/open-apis/bot/v2/hook/"), s.feishu
	case strings.HasPrefix(p, "/webhook/"):
		platform, id, handle = Webhook, strings.TrimPrefix(p, "/webhook/"), s.webhook
	default:
		http.NotFound(w, r)
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, WeComMaxFile+1<<20))
	if err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	req := &request{http: r, platform: platform, id: id, raw: raw, at: arrived}
	if f := s.drawFault(); f != "" {
		if f != FaultSlow {
			s.write(w, req, s.fault(req, f))
			return
		}
		if !stall(r.Context(), s.opts.SlowDelay) {
			return // the client gave up
		}
	}
	s.write(w, req, handle(req))
}

// request is one request being answered.
type request struct {
	http     *http.Request
	platform string
	id       string
	raw      []byte
	body     map[string]any // parsed by the handler
	at       time.Time      // when the request arrived
}

// answer is a handler's reply: code 0 accepts the message.
type answer struct {
	status int
	code   int
	msg    string
	body   any // written as JSON; nil writes text
	text   string
	fault  Fault
	record bool // an accepted message to record
}

// write sends a and records the outcome, at the request's arrival.
func (s *Server) write(w http.ResponseWriter, req *request, a answer) {
	now := req.at
	s.mu.Lock()
	if a.record {
		s.received = append(s.received, Received{Platform: req.platform, Robot: req.id, Body: req.body,
			Raw: req.raw, Query: req.http.URL.Query(), Header: req.http.Header.Clone(), Time: now})
	} else if a.code != 0 || a.status >= 300 {
		s.refusals = append(s.refusals, Refusal{Platform: req.platform, Robot: req.id, HTTPStatus: a.status,
			Code: a.code, Message: a.msg, Fault: a.fault, Raw: req.raw, Time: now})
	}
	s.mu.Unlock()
	if a.body == nil {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(a.status)
		io.WriteString(w, a.text)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(a.status)
	b, _ := json.Marshal(a.body)
	w.Write(b)
}

// within counts the times in ts within the span d up to now (a sliding
// window: after now-d, not after now), dropping those older than keep.
func within(ts *[]time.Time, now time.Time, d, keep time.Duration) int {
	i := 0
	for i < len(*ts) && !(*ts)[i].After(now.Add(-keep)) {
		i++
	}
	*ts = (*ts)[i:]
	n := 0
	for _, t := range *ts {
		if t.After(now.Add(-d)) && !t.After(now) {
			n++
		}
	}
	return n
}

// accept adds an accepted request's arrival to ts, kept in order: requests
// handled concurrently may finish out of the order they arrived in.
func accept(ts *[]time.Time, at time.Time) {
	i, _ := slices.BinarySearchFunc(*ts, at, time.Time.Compare)
	*ts = slices.Insert(*ts, i, at)
}

// lookup returns the robot registered as platform/id, or nil.
func (s *Server) lookup(platform, id string) *robot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.robots[platform+"/"+id]
}

// Add registers a robot of any platform (DingTalk, WeCom, Feishu or Webhook)
// and returns its path; a secret or keyword the platform lacks is ignored.
func (s *Server) Add(platform, id, secret, keyword string) string {
	switch platform {
	case DingTalk:
		return s.AddDingTalk(id, secret, keyword)
	case WeCom:
		return s.AddWeCom(id)
	case Feishu:
		return s.AddFeishu(id, secret, keyword)
	}
	return s.AddWebhook(id, secret)
}
