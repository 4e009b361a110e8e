package kuaishou

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"
)

// VendorZone is the vendor's time zone: Beijing time, UTC+8.
var VendorZone = time.FixedZone("UTC+8", 8*3600)

// TimeLayout is the vendor's timestamp layout.
const TimeLayout = "2006-01-02 15:04:05"

// clue is one stored record. raw is never mutated once stored: an update
// replaces the whole clue, so a page already being written stays consistent.
type clue struct {
	id      string
	adv     int64
	created time.Time
	raw     []byte
}

// before orders clues by create_time, then id, ascending.
func (c *clue) before(d *clue) bool {
	if !c.created.Equal(d.created) {
		return c.created.Before(d.created)
	}
	if len(c.id) != len(d.id) {
		return len(c.id) < len(d.id) // decimal ids without leading zeros
	}
	return c.id < d.id
}

// Add stores raw clue records for the advertiser, creating the advertiser (with
// no tokens) if needed. Records are deep-copied; every number in them is kept
// exactly (as json.Number). The id may be a json.Number, a decimal string or
// an integer; it is written as a bare JSON number like the vendor's. A record
// without id gets a fresh one; one whose id is not a decimal integer is kept
// verbatim under the key "raw:N". A missing create_time is set to Now. A
// record whose id is already stored replaces it. Add panics on a record that
// cannot be encoded as JSON or whose id is a float64 beyond 2^53.
func (s *Server) Add(advertiserID int64, clues ...map[string]any) {
	recs := make([]map[string]any, len(clues))
	for i, c := range clues {
		if f, ok := c["id"].(float64); ok && math.Abs(f) > 1<<53 {
			panic(fmt.Sprintf("kuaishou: clue id %v is a float64 beyond 2^53; pass json.Number or a string", f))
		}
		recs[i] = normalize(c)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rec := range recs {
		c := s.prepare(advertiserID, rec)
		if _, known := s.clues[c.id]; !known {
			s.planWork(c.id)
		}
		s.insert(c)
	}
}

// prepare fixes a normalized record's id and create_time and encodes it.
// The caller holds s.mu.
func (s *Server) prepare(adv int64, rec map[string]any) *clue {
	v, present := rec["id"]
	id := decimal(v)
	switch {
	case id != "":
		rec["id"] = json.Number(id)
	case !present:
		id = s.newID()
		rec["id"] = json.Number(id)
	default:
		s.rawSeq++
		id = "raw:" + strconv.Itoa(s.rawSeq)
	}
	ct, ok := rec["create_time"].(string)
	if !ok {
		ct = s.opts.Now().In(VendorZone).Format(TimeLayout)
		rec["create_time"] = ct
	}
	created, _ := time.ParseInLocation(TimeLayout, ct, VendorZone)
	return &clue{id: id, adv: adv, created: created, raw: mustMarshal(rec)}
}

// insert stores c, replacing any clue with the same id. The caller holds s.mu.
func (s *Server) insert(c *clue) {
	if old, ok := s.clues[c.id]; ok {
		s.remove(old)
	}
	a := s.account(c.adv)
	i := sort.Search(len(a.clues), func(i int) bool { return c.before(a.clues[i]) })
	a.clues = append(a.clues, nil)
	copy(a.clues[i+1:], a.clues[i:])
	a.clues[i] = c
	s.clues[c.id] = c
}

// remove deletes c from its account and the index. The caller holds s.mu.
func (s *Server) remove(c *clue) {
	a := s.accounts[c.adv]
	i := sort.Search(len(a.clues), func(i int) bool { return !a.clues[i].before(c) })
	if i < len(a.clues) && a.clues[i] == c {
		a.clues = append(a.clues[:i], a.clues[i+1:]...)
	}
	delete(s.clues, c.id)
}

// Update changes a stored clue: fn gets a copy of the record (numbers as
// json.Number) and may change any field but the id. update_time is set to Now
// unless fn set it. A changed create_time moves the clue in the listing
// order. fn runs under the Server's lock and must not call the Server.
// Update does nothing for an unknown id.
func (s *Server) Update(id string, fn func(c map[string]any)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.update(id, fn)
}

// update is Update for a caller that holds s.mu.
func (s *Server) update(id string, fn func(c map[string]any)) {
	old, ok := s.clues[id]
	if !ok {
		return
	}
	rec := decodeRecord(old.raw)
	idValue, updated := rec["id"], rec["update_time"]
	fn(rec)
	rec = normalize(rec)
	rec["id"] = idValue
	if fmt.Sprint(rec["update_time"]) == fmt.Sprint(updated) {
		rec["update_time"] = s.opts.Now().In(VendorZone).Format(TimeLayout)
	}
	c := s.prepare(old.adv, rec)
	c.id = old.id // keeps a "raw:N" key
	s.insert(c)
}

// Get returns a copy of the stored record (numbers as json.Number).
func (s *Server) Get(id string) (map[string]any, bool) {
	s.mu.Lock()
	s.applyWork()
	c, ok := s.clues[id]
	s.mu.Unlock()
	if !ok {
		return nil, false
	}
	return decodeRecord(c.raw), true
}

// IDs returns the advertiser's clue ids in listing order: newest first (by
// create_time, then id), or oldest first with Options.OldestFirst.
func (s *Server) IDs(advertiserID int64) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[advertiserID]
	if !ok {
		return nil
	}
	ids := make([]string, len(a.clues))
	for i, c := range a.clues {
		ids[i] = c.id
	}
	if !s.opts.OldestFirst {
		for i, j := 0, len(ids)-1; i < j; i, j = i+1, j-1 {
			ids[i], ids[j] = ids[j], ids[i]
		}
	}
	return ids
}

// newID draws an unused clue id: 18 or 19 digits, now and then 22 digits
// (beyond int64, as in one vendor example). The caller holds s.mu.
func (s *Server) newID() string {
	r := s.dataRNG
	for {
		var id string
		switch n := r.IntN(100); {
		case n < 3:
			id = strconv.FormatUint(1e18+r.Uint64N(8e18), 10) + fmt.Sprintf("%03d", r.IntN(1000))
		case n < 50:
			id = strconv.FormatUint(1e18+r.Uint64N(8e18), 10)
		default:
			id = strconv.FormatUint(1e17+r.Uint64N(9e17), 10)
		}
		if _, taken := s.clues[id]; !taken {
			return id
		}
	}
}

// decimal returns v as a decimal integer string without leading zeros, or "".
func decimal(v any) string {
	var s string
	switch v := v.(type) {
	case json.Number:
		s = string(v)
	case string:
		s = string(bytes.TrimSpace([]byte(v)))
	default:
		return ""
	}
	if s == "" || (s[0] == '0' && len(s) > 1) {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return ""
		}
	}
	return s
}
