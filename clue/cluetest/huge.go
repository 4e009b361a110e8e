package cluetest

import (
	"fmt"
	"strings"
)

// HugeName is a page name over Excel's 32,767 characters a cell.
var HugeName = strings.Repeat("超长落地页", 8000)

// HostileName is a submitter's name full of bidi and zero-width characters.
const HostileName = "王\u202e先生👨\u200d👩\u200d👧"

// HugeFields are the fields that make a record (set over the vendor's
// sample) a hostile clue for the writers of leads: 5,000 form answers (a
// cascade first, a phone with zero-width spaces as answer 4,000, formulas
// and bidi marks in the rest), HugeName as the page name and HostileName as
// the submitter's.
func HugeFields() map[string]any {
	details := []map[string]string{{"key": "下拉单选", "value": `["宝马2系","河南","郑州","二七区","哈登店"]`,
		"comp_type": "级联单选"}}
	for i := range 5000 {
		details = append(details, map[string]string{"key": fmt.Sprintf("问题%04d", i),
			"value": fmt.Sprintf("回答%d=SUM(A1)\u200b\u202e", i)})
	}
	details[4000] = map[string]string{"key": "手机", "value": "138\u200b0013\u200b8000", "comp_type": "电话"}
	return map[string]any{"details": details, "page_name": HugeName, "user_name": HostileName}
}
