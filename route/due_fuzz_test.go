package route

import (
	"testing"
	"time"
)

// fuzzWindows reads up to four active windows from b, four bytes each:
// days (0 for every day), from (two bytes) and to.
func fuzzWindows(b []byte) []window {
	var out []window
	for i := 0; i+4 <= len(b) && len(out) < 4; i += 4 {
		w := window{days: b[i] & allDays}
		if w.days == 0 {
			w.days = allDays
		}
		w.from = (int(b[i+1])*6 + int(b[i+2])%6) % 1440
		w.to = int(b[i+3]) * 1440 / 255
		if w.from != w.to {
			out = append(out, w)
		}
	}
	return out
}

// FuzzDue checks Due against its promises (never before start, never
// earlier for a longer d) and, for short clocks, against routing itself:
// stepping minute by minute from start, the minutes routing finds the route
// active in add up to d exactly at Due.
func FuzzDue(f *testing.F) {
	f.Add(int64(60*24*41+17*60+55), uint16(15), uint16(30), []byte{0x3e, 90, 0, 191}, true, true) // Mon 17:55, office hours
	f.Add(int64(60*24*29+23*60), uint16(300), uint16(301), []byte{0x3e, 200, 0, 85}, true, true)  // nights over a holiday
	f.Add(int64(12345), uint16(0), uint16(1), []byte{}, false, true)                              // always active
	f.Add(int64(60*24*39+17*60), uint16(120), uint16(60), []byte{0x02, 120, 0, 212, 0x3e, 90, 0, 191}, true, false)
	cal := mustCalendar(f)
	zone, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		f.Fatal(err)
	}
	base := time.Date(2026, 9, 1, 0, 0, 0, 0, zone)
	f.Fuzz(func(t *testing.T, startMin int64, m1, m2 uint16, wb []byte, withCal, bh bool) {
		start := base.Add(time.Duration(((startMin%(90*24*60))+90*24*60)%(90*24*60)) * time.Minute)
		rt := &Route{active: fuzzWindows(wb)}
		var c *Calendar
		if withCal {
			c, rt.cal = cal, cal
		}
		h := rt.Hours(zone)
		d1, d2 := time.Duration(m1)*time.Minute, time.Duration(m2)*time.Minute
		due1, due2 := Due(start, d1, h, c, bh), Due(start, d2, h, c, bh)
		if due1.Before(start) || due2.Before(start) {
			t.Fatalf("due before start %s: %s, %s", start, due1, due2)
		}
		if (d1 <= d2 && due1.After(due2)) || (d2 <= d1 && due2.After(due1)) {
			t.Fatalf("not monotonic from %s: %s → %s, %s → %s", start, d1, due1, d2, due2)
		}
		if !bh || rt.Hours(zone).Always() {
			if !due1.Equal(start.Add(d1)) {
				t.Fatalf("wall clock: %s + %s = %s, not %s", start, d1, start.Add(d1), due1)
			}
			return
		}
		if d1 > 3*24*time.Hour || due1.Sub(start) > 40*24*time.Hour {
			return
		}
		at, ran := start, time.Duration(0)
		for ran < d1 {
			if rt.ActiveAt(at, zone) {
				ran += time.Minute
			}
			at = at.Add(time.Minute)
		}
		if !at.Equal(due1) {
			t.Fatalf("from %s, %s of active minutes end at %s; Due says %s (windows %+v)", start, d1, at, due1, rt.active)
		}
	})
}

func mustCalendar(tb testing.TB) *Calendar {
	rules, err := Parse("rules.yaml", []byte(dueRules))
	if err != nil {
		tb.Fatal(err)
	}
	return rules.Calendar()
}
