package clue

import (
	"strings"
	"time"
)

// VendorZone is the platform's time zone: create_time and update_time and the
// request's start_time/end_time are Beijing time (UTC+8, no daylight saving).
var VendorZone = time.FixedZone("UTC+8", 8*3600)

// TimeLayout is the vendor's timestamp layout.
const TimeLayout = "2006-01-02 15:04:05"

// ParseTime parses a vendor timestamp (Beijing time). An empty or malformed
// value gives the zero time.
func ParseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{} // without the error a failed parse makes
	}
	t, err := time.ParseInLocation(TimeLayout, s, VendorZone)
	if err != nil {
		return time.Time{}
	}
	return t
}
