package fetch

// SetMaxWindowRows lets tests make window halving happen with few clues.
func (s *Syncer) SetMaxWindowRows(n int) { s.maxWindowRows = n }

// LogBuffer is a log sink safe for concurrent writers.
type LogBuffer = syncBuffer
