package kuaishou

import "maps"

// Stats counts what the Server has seen since New.
type Stats struct {
	Calls           int           // every HTTP request
	ListCalls       int           // clue-list requests
	ListPages       int           // clue-list answers sent whole with code 0 (quirks included)
	RefreshCalls    int           // refresh_token requests
	ExchangeCalls   int           // access_token (auth code exchange) requests
	ApprovalCalls   int           // approval-list requests
	AuthorizePages  int           // authorize page requests (GET)
	OAuthFaults     map[Fault]int // faults injected into exchange and approval-list calls, by kind
	MarkCalls       int           // clue_mark/update requests
	MarkFaults      map[Fault]int // faults injected into clue_mark/update calls, by kind
	Worked          int           // leads the simulated sales worked (Options.Work, Work)
	Faults          map[Fault]int // injected faults by kind
	Quirks          map[Quirk]int // code-0 pages bent by a quirk, by kind
	AuthRejections  int           // clue-list calls refused for their access token (injected faults excluded)
	TokenRejections int           // refresh and exchange calls refused
	BadRequests     int           // clue-list calls refused for their parameters or advertiser
	RowsServed      int           // clue records sent in code-0 pages
}

// FaultsInjected returns the total number of injected faults of every kind.
func (st Stats) FaultsInjected() int {
	n := 0
	for _, v := range st.Faults {
		n += v
	}
	return n
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Faults = maps.Clone(s.stats.Faults)
	st.Quirks = maps.Clone(s.stats.Quirks)
	st.OAuthFaults = maps.Clone(s.stats.OAuthFaults)
	st.MarkFaults = maps.Clone(s.stats.MarkFaults)
	return st
}
