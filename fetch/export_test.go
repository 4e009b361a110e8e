package fetch

// SetMaxWindowRows lets tests make window halving happen with few clues.
func (s *Syncer) SetMaxWindowRows(n int) { s.maxWindowRows = n }
