package robots

import (
	"net/http"
	"net/url"
	"slices"
	"time"
)

// Received is one accepted message.
type Received struct {
	Platform string
	Robot    string         // the token, key, hook id or webhook name
	Body     map[string]any // the parsed JSON body
	Raw      []byte         // the body as sent
	Query    url.Values     // the request's query (DingTalk's timestamp and sign)
	Header   http.Header
	Time     time.Time
}

// Refusal is one request the simulator refused, with its answer.
type Refusal struct {
	Platform   string
	Robot      string
	HTTPStatus int
	Code       int
	Message    string
	Fault      Fault // set when the refusal was injected
	Raw        []byte
	Time       time.Time
}

// Upload is one file uploaded to a WeCom robot.
type Upload struct {
	Robot   string
	Name    string
	MediaID string
	Data    []byte
	Time    time.Time
}

// Messages returns the messages accepted for robot (a token, key, hook id or
// webhook name, on any platform), oldest first.
func (s *Server) Messages(robot string) []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Received
	for _, r := range s.received {
		if r.Robot == robot {
			out = append(out, r)
		}
	}
	return out
}

// All returns every accepted message, oldest first.
func (s *Server) All() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.received)
}

// Refusals returns every refused request, oldest first.
func (s *Server) Refusals() []Refusal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.refusals)
}

// Uploads returns the files uploaded to WeCom robot key.
func (s *Server) Uploads(key string) []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Upload
	for _, u := range s.uploads {
		if u.Robot == key {
			out = append(out, u)
		}
	}
	return out
}
