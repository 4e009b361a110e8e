package kuaishou

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// source returns a clue_source: the page and, for ad traffic, the campaign,
// unit and creative ids (all 0 now and then, as in the vendor's sample).
func (g gen) source(pageID int64, pageName string) map[string]any {
	src := map[string]any{
		"page_id": pageID, "page_name": pageName, "callback": "",
		"dsp_campaign_id": 0, "dsp_unit_id": 0, "dsp_creative_id": 0,
	}
	if g.r.IntN(7) == 0 {
		return src
	}
	variant := fmt.Sprint(g.r.IntN(4))
	src["callback"] = fmt.Sprint(10000 + g.r.IntN(90000))
	src["dsp_campaign_id"] = g.stableID("campaign", pageName)
	src["dsp_unit_id"] = g.stableID("unit", pageName+variant)
	src["dsp_creative_id"] = g.stableID("creative", pageName+variant+fmt.Sprint(g.r.IntN(3)))
	return src
}

// form fills in a form clue's form and answers: name, phone, usually a
// cascade pick of model/province/city/district/store, sometimes a choice.
func (g gen) form(rec map[string]any, pageName, name, phone string, m carModel, c city, d district, st store) {
	r := g.r
	formID := g.stableID("form", pageName)
	h := formID / 7
	rec["form"] = map[string]any{
		"id":   formID,
		"name": fmt.Sprintf("表单%d-%d %02d:%02d", 1+h%12, 1+h/12%28, h/336%24, h/8064%60),
	}
	details := []any{
		answer("姓名", name, "姓名", ""),
		answer("电话", phone, "电话", ""),
	}
	if r.IntN(5) != 0 {
		levels := mustMarshal([]string{m.name, c.province, c.name, d.name, st.name})
		codes := mustMarshal([]string{m.code, c.provinceCode, c.code, d.code, st.code})
		a := answer(pick(r, []string{"意向门店", "下拉单选", "选择车型及门店"}), string(levels), "级联单选", string(codes))
		if r.IntN(5) < 3 {
			a["store_info"] = storeInfo(r, st, c.province, c.name)
		} else {
			a["store_info"] = storeInfo(nil, st, "", "")
		}
		details = append(details, a)
	}
	if r.IntN(5) < 2 {
		details = append(details, answer("购车时间", pick(r, purchaseTimes), "单选", ""))
	}
	rec["details"] = details
}

// answer returns one form answer.
func answer(key, value, compType, customID string) map[string]any {
	return map[string]any{"key": key, "value": value, "custom_id": customID, "comp_type": compType}
}

// storeInfo returns a store_info: filled when r is non-nil, else all empty
// strings as the vendor sends for clues without a store.
func storeInfo(r *rand.Rand, st store, province, city string) map[string]any {
	if r == nil {
		return map[string]any{"store_name": "", "store_number": "", "city": "", "province": ""}
	}
	return map[string]any{"store_name": st.name, "store_number": st.number, "city": city, "province": province}
}

// emptyICC is the call record non-phone clues carry: empty, times null.
func emptyICC() map[string]any {
	return map[string]any{
		"phone_name": "", "to_phone": "", "from_phone": "",
		"call_start_time": nil, "call_answer_time": nil, "call_finish_time": nil,
		"call_duration": 0, "call_stat": 0,
	}
}

// call returns a smart-phone clue's call record. An unanswered call has no
// answer time and sometimes no finish time; the status field is named
// call_stat or clue_stat, as the vendor's two documents disagree.
func (g gen) call(phone string, c city, m carModel) map[string]any {
	r := g.r
	at := func(t time.Time) string { return t.In(VendorZone).Format(TimeLayout) }
	start := g.created
	toPhone := fmt.Sprintf("%s-%08d", c.areaCode, 60_000_000+r.IntN(30_000_000))
	if r.IntN(3) == 0 {
		toPhone = fmt.Sprintf("400%07d", r.IntN(10_000_000))
	}
	icc := emptyICC()
	delete(icc, "call_stat")
	icc["phone_name"] = fmt.Sprintf("%s%s销售热线", c.name, m.name)
	icc["to_phone"], icc["from_phone"], icc["call_start_time"] = toPhone, phone, at(start)
	stat := 2
	if r.IntN(10) < 7 {
		answered := start.Add(time.Duration(3+r.IntN(18)) * time.Second)
		duration := 15 + r.IntN(586)
		icc["call_answer_time"] = at(answered)
		icc["call_finish_time"] = at(answered.Add(time.Duration(duration) * time.Second))
		icc["call_duration"], stat = duration, 1
	} else if r.IntN(2) == 0 {
		icc["call_finish_time"] = at(start.Add(time.Duration(10+r.IntN(30)) * time.Second))
	}
	icc[pick(r, []string{"call_stat", "clue_stat"})] = stat
	return icc
}
