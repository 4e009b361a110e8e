package config

import (
	"reflect"
	"strconv"
	"strings"
)

// unknownKeys walks the file's tree beside the config type and reports every
// key that no struct field declares, with its line. mapstructure's
// ErrorUnused stops at the first struct in error; this finds them all.
func (d *document) unknownKeys() Errors {
	var errs Errors
	d.checkKeys(d.root, reflect.TypeOf(Config{}), "", &errs)
	return errs
}

func (d *document) checkKeys(v any, t reflect.Type, path string, errs *Errors) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return // a type error, reported by the decoder
		}
		fields := map[string]reflect.Type{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := strings.Split(f.Tag.Get("koanf"), ",")[0]
			if tag != "" && tag != "-" {
				fields[tag] = f.Type
			}
		}
		for _, k := range sortedKeys(m) {
			key := join(path, k)
			ft, ok := fields[k]
			if !ok {
				*errs = append(*errs, &Error{File: d.name, Line: d.line(key), Key: key, Msg: "unknown key"})
				continue
			}
			d.checkKeys(m[k], ft, key, errs)
		}
	case reflect.Map:
		if m, ok := v.(map[string]any); ok {
			for _, k := range sortedKeys(m) {
				d.checkKeys(m[k], t.Elem(), join(path, k), errs)
			}
		}
	case reflect.Slice:
		if s, ok := v.([]any); ok {
			for i, e := range s {
				d.checkKeys(e, t.Elem(), join(path, strconv.Itoa(i)), errs)
			}
		}
	}
}
