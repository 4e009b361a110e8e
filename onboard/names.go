package onboard

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cluebot/cluebot/fileerr"
	"github.com/cluebot/cluebot/store"
)

// ReadNames reads account names from a UTF-8 CSV (a BOM is fine) with the
// columns advertiser_id,name and an optional header line; file names it in
// errors. Every bad line is reported, as a fileerr.List, and then no name is
// returned: an import is all or nothing.
func ReadNames(r io.Reader, file string) (map[int64]string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return nil, fileerr.List{&fileerr.Error{File: file, Msg: "not UTF-8 (save the file as CSV UTF-8)"}}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	names := map[int64]string{}
	var errs fileerr.List
	for first := true; ; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			errs = append(errs, &fileerr.Error{File: file, Line: pe.Line, Msg: pe.Err.Error()})
			break
		} else if err != nil {
			return nil, fmt.Errorf("read %s: %w", file, err)
		}
		bad := func(key, format string, a ...any) {
			errs = append(errs, &fileerr.Error{File: file, Line: line, Key: key, Msg: fmt.Sprintf(format, a...)})
		}
		if len(rec) != 2 {
			bad("", "want 2 columns (advertiser_id,name), got %d", len(rec))
			continue
		}
		idText, name := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		if first && strings.EqualFold(idText, "advertiser_id") {
			continue // the header
		}
		id, err := strconv.ParseInt(idText, 10, 64)
		switch {
		case err != nil || id <= 0:
			bad("advertiser_id", "%q is not a positive advertiser id", idText)
		case name == "":
			bad("name", "empty name for advertiser %d", id)
		case names[id] != "" && names[id] != name:
			bad("advertiser_id", "advertiser %d named twice (%q and %q)", id, names[id], name)
		default:
			names[id] = name
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return names, nil
}

// UnknownIDs returns, sorted, the ids of names that are no known account:
// neither configured nor ever covered by an authorization in st. Their
// names are kept all the same, for an advertiser that joins later.
func UnknownIDs(ctx context.Context, st store.Authorizations, configured []int64, names map[int64]string) ([]int64, error) {
	covered, err := st.AuthAdvertisers(ctx, 0)
	if err != nil {
		return nil, fmt.Errorf("known accounts: %w", err)
	}
	known := make(map[int64]bool, len(configured)+len(covered))
	for _, id := range configured {
		known[id] = true
	}
	for _, c := range covered {
		known[c.AdvertiserID] = true
	}
	var out []int64
	for id := range names {
		if !known[id] {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out, nil
}
