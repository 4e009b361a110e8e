package kuaishou

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"time"
)

// Generate stores n realistic clues for the advertiser (created if unknown),
// modelled on the vendor's sample, with create_time uniformly drawn from the
// whole seconds in [from, to), and returns their ids in the order generated.
// The output depends only on Seed and on the earlier Generate and Add calls.
func (s *Server) Generate(advertiserID int64, n int, from, to time.Time) []string {
	lo := from.Truncate(time.Second)
	if lo.Before(from) {
		lo = lo.Add(time.Second)
	}
	span := int64((to.Sub(lo) + time.Second - 1) / time.Second)
	s.mu.Lock()
	defer s.mu.Unlock()
	n = max(n, 0)
	ids := make([]string, 0, n)
	batch := make([]*clue, 0, n)
	for range n {
		created := lo
		if span > 1 {
			created = lo.Add(time.Duration(s.dataRNG.Int64N(span)) * time.Second)
		}
		g := gen{r: s.dataRNG, seed: s.opts.Seed, adv: advertiserID, created: created, to: to}
		c := s.prepare(advertiserID, g.clue(s.newID()))
		s.clues[c.id] = c // reserves the id; the batch is placed below
		s.planWork(c.id)
		batch = append(batch, c)
		ids = append(ids, c.id)
	}
	a := s.account(advertiserID)
	a.clues = append(a.clues, batch...)
	slices.SortFunc(a.clues, func(x, y *clue) int {
		switch {
		case x.before(y):
			return -1
		case y.before(x):
			return 1
		}
		return 0
	})
	return ids
}

// gen builds one clue record.
type gen struct {
	r       *rand.Rand
	seed    int64
	adv     int64
	created time.Time
	to      time.Time
}

// pick returns a random element of xs.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// stableID derives an 18-digit id from the seed and a name, so that a page,
// form or campaign keeps its id across clues.
func (g gen) stableID(kind, name string) int64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s/%s", g.seed, kind, name)
	return 150_000_000_000_000_000 + int64(h.Sum64()%800_000_000_000_000_000)
}

// clue builds the record with the given id.
func (g gen) clue(id string) map[string]any {
	r := g.r
	model, c := pick(r, carModels), pick(r, cities)
	d := pick(r, c.districts)
	st := pick(r, d.stores)
	sourceType := pick(r, []int{1, 1, 1, 1, 1, 1, 2, 2, 2, 3})
	pageName := fmt.Sprintf(pick(r, pageTemplates[sourceType]), model.name, c.name)
	pageID := g.stableID("page", pageName)
	name, phone := g.name(), g.phone()
	intention := pick(r, intentionIDs)
	schedule := pick(r, []int{0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 4})
	rec := map[string]any{
		"id": json.Number(id), "clue_tag": pick(r, []int{0, 0, 0, 1, 1, 2, 3, 4, 5}),
		"user_name": name, "phone": phone, "phone_stat": pick(r, phoneStats),
		"intention_id": intention, "account_id": g.adv, "user_id": 0,
		"give_up_reason": pick(r, giveUpReasons), "source_type": sourceType,
		"page_id": pageID, "page_name": pageName,
		"source_url":  fmt.Sprintf("https://ad-lp.kuaishou.com/rest/n/lp/page/getHtml?hyId=landingPg&pageId=%d", pageID),
		"create_time": g.created.In(VendorZone).Format(TimeLayout),
		"update_time": g.updated().In(VendorZone).Format(TimeLayout),
		"sea_type":    pick(r, []int{1, 2, 2}), "biz_id": pick(r, []int{1003, 1003, 1005, 1007}),
		"channel_flag":        pick(r, []int{1, 1, 1, 1, 2}),
		"child_intention_tag": g.childIntention(),
		"schedule":            map[string]any{"schedule_id": schedule, "schedule_desc": scheduleDescs[schedule]},
		"clue_source":         g.source(pageID, pageName),
		"form":                map[string]any{"id": 0, "name": ""},
		"details":             []any{},
		"icc_info":            emptyICC(),
		"store_info":          storeInfo(nil, st, "", ""),
		"pay_info":            map[string]any{"order_id": "", "pay_amount": 0, "pay_status": 0},
		"wechat":              "",
		"tag_info":            []any{},
		"photo_id":            0,
		"already_delete":      false,
	}
	if r.IntN(2) == 0 {
		rec["user_id"] = 2_000_000_000 + r.Int64N(1_000_000_000)
	}
	if r.IntN(10) < 3 {
		rec["store_info"] = storeInfo(r, st, c.province, c.name)
	}
	if r.IntN(10) == 0 {
		rec["wechat"] = fmt.Sprintf("wxid_%x", r.Uint32())
	}
	if r.IntN(5) == 0 {
		rec["tag_info"] = []any{map[string]any{"tag_id": 1 + r.IntN(20), "tag_name": pick(r, []string{"到店", "试驾", "已报价", "金融"})}}
	}
	if r.IntN(3) == 0 {
		rec["photo_id"] = 5_000_000_000_000_000_000 + r.Int64N(1_000_000_000_000_000_000)
	}
	switch sourceType {
	case 1:
		g.form(rec, pageName, name, phone, model, c, d, st)
	case 2:
		rec["icc_info"] = g.call(phone, c, model)
	}
	return rec
}

// name returns a submitter's name: usually 姓+名, sometimes 姓+先生/女士.
func (g gen) name() string {
	s := string(pick(g.r, surnames))
	switch n := g.r.IntN(10); {
	case n < 7:
		return s + pick(g.r, givenNames)
	case n < 9:
		return s + pick(g.r, []string{"先生", "女士"})
	default:
		return fmt.Sprintf("快手用户%d", 1_000_000_000+g.r.Int64N(9_000_000_000))
	}
}

// phone returns a mobile number, 1[3-9] and nine more digits.
func (g gen) phone() string {
	return fmt.Sprintf("%s%08d", pick(g.r, phonePrefixes), g.r.IntN(100_000_000))
}

// updated returns an update time: often the creation time, else later but
// not past the generation window.
func (g gen) updated() time.Time {
	room := min(g.to.Sub(g.created), 72*time.Hour)
	if g.r.IntN(5) < 2 || room < time.Second {
		return g.created
	}
	return g.created.Add(time.Duration(g.r.Int64N(int64(room/time.Second))) * time.Second)
}

// childIntention returns [] mostly, sometimes one object, sometimes a list.
func (g gen) childIntention() any {
	id := 1 + g.r.IntN(len(childIntentionDescs)-1)
	tag := map[string]any{"child_intention_id": id, "child_intention_desc": childIntentionDescs[id]}
	switch n := g.r.IntN(10); {
	case n < 7:
		return []any{}
	case n < 9:
		return tag
	default:
		return []any{tag}
	}
}
