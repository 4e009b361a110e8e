package config

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

var durationType = reflect.TypeOf(time.Duration(0))

// durationHook parses durations, accepting a day suffix ("30d") as well as
// Go's units. A bare number is refused (but 0): YAML's 30 is not 30s.
func durationHook(_ reflect.Type, to reflect.Type, data any) (any, error) {
	if to != durationType {
		return data, nil
	}
	v := reflect.ValueOf(data)
	switch v.Kind() {
	case reflect.String:
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
		reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		if v.IsZero() || v.Type() == durationType {
			return data, nil
		}
		return nil, fmt.Errorf("invalid duration %s: give a unit (30s, 5m, 1h or 7d)", describe(v))
	default:
		return nil, fmt.Errorf("want a duration like 30s, 5m, 1h or 7d, not %s", describe(v))
	}
	s := strings.TrimSpace(v.String())
	if days, found := strings.CutSuffix(s, "d"); found {
		n, err := strconv.ParseFloat(days, 64)
		d := n * float64(24*time.Hour)
		if err != nil || math.IsNaN(d) || d < math.MinInt64 || d >= math.MaxInt64 {
			return nil, fmt.Errorf("invalid duration %q", s)
		}
		return time.Duration(d), nil
	}
	dur, err := time.ParseDuration(s)
	if err != nil {
		return nil, fmt.Errorf("invalid duration %q (use 30s, 5m, 1h or 7d)", s)
	}
	return dur, nil
}

// strictTypes is a decode hook that refuses what the decoder's weak typing
// would bend without a word: 2.5 or true for a whole number, an overflowing
// number, NaN or infinity, "maybe" for true or false, a list for a single
// value, a mapping for a list, a scalar for a mapping. Strings that spell
// the right type still decode (environment overrides are all strings).
// Durations are durationHook's.
func strictTypes(_ reflect.Type, to reflect.Type, data any) (any, error) {
	for to.Kind() == reflect.Pointer {
		to = to.Elem()
	}
	if to == durationType {
		return data, nil
	}
	v := reflect.ValueOf(data)
	switch to.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return wholeNumber(v, to.Bits())
	case reflect.Float32, reflect.Float64:
		return finiteNumber(v)
	case reflect.Bool:
		if s, ok := data.(string); ok {
			if b, err := strconv.ParseBool(strings.TrimSpace(s)); err == nil {
				return b, nil
			}
		}
		if v.Kind() != reflect.Bool {
			return nil, fmt.Errorf("want true or false, not %s", describe(v))
		}
	case reflect.String:
		if isCollection(v) {
			return nil, fmt.Errorf("want a single value, not %s", describe(v))
		}
	case reflect.Slice:
		if v.Kind() == reflect.Map {
			return nil, fmt.Errorf("want a list, not %s", describe(v))
		}
	case reflect.Map, reflect.Struct:
		if v.Kind() != reflect.Map {
			return nil, fmt.Errorf("want a mapping, not %s", describe(v))
		}
	}
	return data, nil
}

// wholeNumber reads v as an integer of bits bits: an integer, a float with
// no fraction or a string of digits, in range.
func wholeNumber(v reflect.Value, bits int) (any, error) {
	outOfRange := fmt.Errorf("%s is out of range", describe(v))
	fits := func(n int64) bool { return bits >= 64 || n >= -1<<(bits-1) && n < 1<<(bits-1) }
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if !fits(v.Int()) {
			return nil, outOfRange
		}
		return v.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if v.Uint() > math.MaxInt64 || !fits(int64(v.Uint())) {
			return nil, outOfRange
		}
		return int64(v.Uint()), nil
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		switch {
		case f != math.Trunc(f): // also NaN and ±Inf
			return nil, fmt.Errorf("want a whole number, not %s", describe(v))
		case f < math.MinInt64 || f >= math.MaxInt64 || !fits(int64(f)):
			return nil, outOfRange
		}
		return int64(f), nil
	case reflect.String:
		n, err := strconv.ParseInt(strings.TrimSpace(v.String()), 10, bits)
		switch {
		case errors.Is(err, strconv.ErrRange):
			return nil, outOfRange
		case err != nil:
			return nil, fmt.Errorf("want a whole number, not %s", describe(v))
		}
		return n, nil
	}
	return nil, fmt.Errorf("want a whole number, not %s", describe(v))
}

// finiteNumber reads v as a finite float: a number or a string of one.
func finiteNumber(v reflect.Value) (any, error) {
	var f float64
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		f = float64(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		f = float64(v.Uint())
	case reflect.Float32, reflect.Float64:
		f = v.Float()
	case reflect.String:
		var err error
		if f, err = strconv.ParseFloat(strings.TrimSpace(v.String()), 64); err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil, fmt.Errorf("want a number, not %s", describe(v))
		}
	default:
		return nil, fmt.Errorf("want a number, not %s", describe(v))
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("want a finite number, not %s", describe(v))
	}
	return f, nil
}

func isCollection(v reflect.Value) bool {
	return v.Kind() == reflect.Map || v.Kind() == reflect.Slice || v.Kind() == reflect.Array
}

// describe names a value from the file for an error: a string quoted, a
// list or mapping by its kind, anything else as it prints.
func describe(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return strconv.Quote(v.String())
	case reflect.Map:
		return "a mapping"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Invalid:
		return "nothing"
	}
	return fmt.Sprint(v.Interface())
}
