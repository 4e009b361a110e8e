package route

import (
	"math/bits"

	"github.com/cluebot/cluebot/transform"
)

// index narrows the routes a lead can take before any condition runs. Each
// route is filed under one of its match conditions that lists exact values
// (province: 河南, intention: [3, 13], page_id: ...): a lead can only take
// the route if its own value is one of them. Routes with no such condition
// are always candidates. Candidates are a bitset, one bit per route in file
// order, so routing still follows the file's order.
type index struct {
	routes []*Route // in file order; bit i is routes[i]
	words  int
	always []uint64
	strs   []strIndex
	codes  []codeIndex
}

type strIndex struct {
	field field
	sets  map[string][]uint64
}

type codeIndex struct {
	field field
	sets  map[int64][]uint64
}

// indexOrder is the order conditions are preferred in to file a route:
// ids first (most selective), then places, then enums.
var indexOrder = []field{
	fPageID, fCampaignID, fUnitID, fCreativeID, fStore, fCity, fAdvertiserID,
	fProvince, fPageName, fIntention, fPhoneStat, fClueTag, fBizID, fSourceType,
	fSeaType, fChannelFlag,
}

// indexable reports whether c lists only exact values or codes.
func (c *cond) indexable() bool {
	switch {
	case c.field == fForm:
		return false
	case c.field == fAdvertiserID || c.field >= fIntention:
		return len(c.codes) > 0 && c.str.empty()
	}
	return len(c.str.exact) > 0 && len(c.str.globs)+len(c.str.res) == 0
}

func buildIndex(routes []*Route) index {
	ix := index{routes: append([]*Route{}, routes...), words: (len(routes) + 63) / 64}
	ix.always = make([]uint64, ix.words)
	strs := map[field]map[string][]uint64{}
	codes := map[field]map[int64][]uint64{}
	for i, rt := range routes {
		c := rt.indexCond()
		switch {
		case c == nil:
			ix.always[i/64] |= 1 << (i % 64)
		case c.field == fAdvertiserID || c.field >= fIntention:
			if codes[c.field] == nil {
				codes[c.field] = map[int64][]uint64{}
			}
			for _, code := range c.codes {
				codes[c.field][code] = ix.set(codes[c.field][code], i)
			}
		default:
			if strs[c.field] == nil {
				strs[c.field] = map[string][]uint64{}
			}
			for _, s := range c.str.exact {
				strs[c.field][s] = ix.set(strs[c.field][s], i)
			}
		}
	}
	for _, f := range indexOrder { // a fixed order keeps routing deterministic
		if m := strs[f]; m != nil {
			ix.strs = append(ix.strs, strIndex{field: f, sets: m})
		}
		if m := codes[f]; m != nil {
			ix.codes = append(ix.codes, codeIndex{field: f, sets: m})
		}
	}
	return ix
}

// indexCond picks the match condition the route is filed under, or nil.
func (rt *Route) indexCond() *cond {
	for _, f := range indexOrder {
		for i := range rt.match {
			if c := &rt.match[i]; c.field == f && c.indexable() {
				return c
			}
		}
	}
	return nil
}

func (ix *index) set(bs []uint64, i int) []uint64 {
	if bs == nil {
		bs = make([]uint64, ix.words)
	}
	bs[i/64] |= 1 << (i % 64)
	return bs
}

// candidates fills dst (ix.words long) with the routes lead l may take.
func (ix *index) candidates(l *transform.Lead, dst []uint64) {
	copy(dst, ix.always)
	for i := range ix.strs {
		or(dst, ix.strs[i].sets[strValue(l, ix.strs[i].field)])
	}
	for i := range ix.codes {
		or(dst, ix.codes[i].sets[codeValue(l, ix.codes[i].field)])
	}
}

func or(dst, src []uint64) {
	for i := range src {
		dst[i] |= src[i]
	}
}

// next pops the lowest candidate from the bitset, or returns -1.
func next(cand []uint64) int {
	for w := range cand {
		if cand[w] != 0 {
			b := bits.TrailingZeros64(cand[w])
			cand[w] &= cand[w] - 1
			return w*64 + b
		}
	}
	return -1
}
