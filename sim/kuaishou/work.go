package kuaishou

import "time"

// WorkConfig says which new leads the advertiser's simulated sales work on,
// and when: a worked lead is called (phone_stat 101 已接通-有效通话) and
// moved on (schedule 1 电话建联), a third of them also rated (intention_id
// 13 高意向), with its update_time set. A lead is new when Add or Generate
// first stores it; which ones are worked is drawn with its own seeded
// source.
type WorkConfig struct {
	Rate  float64       // share of new leads worked, 0..1
	After time.Duration // how long after it is stored a lead is worked; default 1m
}

// plannedWork is a lead to work at due.
type plannedWork struct {
	id     string
	due    time.Time
	intent bool // also rate it 高意向
}

// SetWork replaces Options.Work for the leads stored from now on: kssim
// turns it on after its initial leads, so only arrivals get worked.
func (s *Server) SetWork(w WorkConfig) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.Work = w.withDefaults()
}

// withDefaults clamps the rate and fills in the delay.
func (w WorkConfig) withDefaults() WorkConfig {
	w.Rate = min(max(w.Rate, 0), 1)
	if w.After <= 0 {
		w.After = time.Minute
	}
	return w
}

// Work marks a stored lead worked now, as WorkConfig describes, whatever
// Options.Work says; it reports whether the lead is known.
func (s *Server) Work(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.clues[id]; !ok {
		return false
	}
	s.workOn(plannedWork{id: id})
	return true
}

// planWork draws whether a new lead will be worked and plans it. The
// caller holds s.mu.
func (s *Server) planWork(id string) {
	w := s.opts.Work
	if w.Rate <= 0 || s.workRNG.Float64() >= w.Rate {
		return
	}
	p := plannedWork{id: id, due: s.opts.Now().Add(w.After), intent: s.workRNG.IntN(3) == 0}
	i := len(s.work)
	for i > 0 && s.work[i-1].due.After(p.due) {
		i--
	}
	s.work = append(s.work, plannedWork{})
	copy(s.work[i+1:], s.work[i:])
	s.work[i] = p
}

// applyWork works every planned lead that is due. It runs before a list
// answer is computed, so a pull after the due time shows the change. The
// caller holds s.mu.
func (s *Server) applyWork() {
	now := s.opts.Now()
	n := 0
	for n < len(s.work) && !s.work[n].due.After(now) {
		s.workOn(s.work[n])
		n++
	}
	s.work = s.work[n:]
}

// workOn changes a lead as worked. The caller holds s.mu.
func (s *Server) workOn(p plannedWork) {
	if _, ok := s.clues[p.id]; !ok {
		return
	}
	s.update(p.id, func(rec map[string]any) {
		rec["phone_stat"] = 101
		rec["schedule"] = map[string]any{"schedule_id": 1, "schedule_desc": scheduleDescs[1]}
		if p.intent {
			rec["intention_id"] = 13
		}
	})
	s.stats.Worked++
}
