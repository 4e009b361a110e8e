package robots

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/transform"
)

// sampleClue is the first clue of the vendor's sample clue-list response.
//
//go:embed sample-clue.json
var sampleClue []byte

// SampleFields is the shipped rules.yaml's field mapping, which reads
// province, city and store from the vendor sample's cascade answer.
var SampleFields = transform.Fields{
	Province: transform.FieldRef{Form: "下拉单选", Level: 2},
	City:     transform.FieldRef{Form: "下拉单选", Level: 3},
	Store:    transform.FieldRef{Form: "下拉单选", Level: 5},
}

// SampleLead returns the vendor's sample clue as a lead of account 郑州宝马:
// 旧表单打点1, phone 15584418917, page 王测试表单打点1, 河南/郑州/哈登店,
// collected 2021-03-07 16:10:49 Beijing time.
func SampleLead() transform.Lead {
	c, err := clue.Decode(sampleClue)
	if err != nil {
		panic("robots: the embedded sample clue does not decode: " + err.Error())
	}
	return transform.New(&c, transform.Options{Fields: SampleFields, AccountNames: map[int64]string{20006545: "郑州宝马"}})
}

// Hostile is a submitter's name that tries a link, an @everyone in three
// syntaxes and a tag.
const Hostile = `[点我](http://x) @所有人 <at user_id="all">`

// HostileLead returns the sample lead with every text field set to markup
// that tries to inject links, images, mentions (of everyone and of a real
// member), headings, quotes, lists, emphasis, font tags and new blocks.
func HostileLead() transform.Lead {
	l := SampleLead()
	l.UserName = Hostile
	l.PageName = "**粗体** _斜体_ ~~删除~~ `code`\n# 标题\n> 引用\n- 列表\n1. 有序"
	l.IntentionLabel = "![img](http://x/a.png) <font color=\"warning\">红</font>"
	l.City = "<@all> <@zhangsan> @13800000001"
	l.Store = "<at id=all></at> <at id=ou_123></at> &lt;at id=all&gt;"
	l.Answers = []transform.Answer{
		{Label: "留言](http://evil.example)", Value: "http://evil.example/a?b=c\r\n\r\n## 新段落 @all"},
		{Label: "姓名", Value: Hostile},
		{Label: "电话", Value: "15584418917", Type: "电话"},
	}
	return l
}

// HugeLead returns the sample lead with n extra form answers of about size
// bytes each, in multi-byte text, to test the platforms' size limits.
func HugeLead(n, size int) transform.Lead {
	l := SampleLead()
	word := strings.Repeat("很长的回答", max(1, size/15))
	for i := range n {
		l.Answers = append(l.Answers, transform.Answer{Label: fmt.Sprintf("问题%d", i+1), Value: word})
	}
	return l
}

// SampleMembers are people to assign leads to, with what each platform
// needs to @ them: 张三 can be @'d everywhere, 李四 only by mobile, 王五 by
// WeCom userid alone and 赵敏 by Feishu open_id alone.
var SampleMembers = []route.Member{
	{Name: "张三", Mobile: "13800000001", WeComUserID: "zhangsan", FeishuOpenID: "ou_7d8a6e6df7621556ce0d21922b676706"},
	{Name: "李四", Mobile: "13800000002"},
	{Name: "王五", WeComUserID: "wangwu"},
	{Name: "赵敏", FeishuOpenID: "ou_9b2c8f0a1e3d4c5b6a7f8e9d0c1b2a3f"},
}
