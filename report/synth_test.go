package report

import (
	"context"
	"strconv"
	"time"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/storetest"
)

// synthSource makes up n clues for any range it is asked for, spread evenly
// over it, each with realistic raw JSON built on the fly into one reused
// buffer: a day of a million clues without a million in memory.
type synthSource struct{ n int }

var (
	synthPages  = []string{"宝马X3试驾", "宝马5系到店礼", "王测试表单打点1", "新能源i3预约", "暑期购车节", "金融方案咨询", "二手车置换", "售后保养套餐"}
	synthCities = [][2]string{{"河南", "郑州"}, {"河南", "洛阳"}, {"河北", "石家庄"}, {"山东", "济南"}, {"湖北", "武汉"}, {"河南", "开封"}}
	synthRoutes = [][]string{{"henan-hot"}, {"henan-hot", "everything-else"}, {"everything-else"}, nil}
	synthPeople = []string{"张三", "李四", "王五"}
)

func (s synthSource) IterateClues(ctx context.Context, f store.ClueFilter, fn func(c *store.Clue) error) error {
	if s.n == 0 {
		return nil
	}
	step := f.To.Sub(f.From) / time.Duration(s.n)
	var raw []byte
	var c store.Clue
	for i := 0; i < s.n; i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		created := f.From.Add(step * time.Duration(i))
		id := strconv.FormatInt(197451604008536386+created.Unix()*1000+int64(i%1000), 10)
		page, city, routes := synthPages[i%len(synthPages)], synthCities[i%len(synthCities)], synthRoutes[i%len(synthRoutes)]
		raw = appendSynthRaw(raw[:0], id, i, created, page, city)
		c = store.Clue{
			ID: id, AdvertiserID: 20006545 + int64(i%3), CreateTime: created, UpdateTime: created.Add(time.Minute),
			IntentionID: int64(i % 5), PhoneStat: int64(101 + i%10), SourceType: int64(1 + i%3),
			PageID: "1536446012233482" + strconv.Itoa(10+i%len(synthPages)), PageName: page,
			UserName: "客户" + strconv.Itoa(i), Phone: "1558441" + strconv.Itoa(1000+i%9000),
			Province: city[0], City: city[1], Raw: raw,
			RoutedAt: created.Add(time.Second), Routes: routes, Sent: len(routes),
		}
		if len(routes) > 0 {
			c.Assignees = []string{synthPeople[i%len(synthPeople)]}
		}
		if err := fn(&c); err != nil {
			return err
		}
	}
	return nil
}

// CountClueGroups counts the clues as the store's contract says.
func (s synthSource) CountClueGroups(ctx context.Context, f store.ClueFilter, by ...store.GroupBy) ([]store.ClueGroup, error) {
	return storetest.GroupClues(ctx, s, f, by...)
}

// appendSynthRaw writes a clue record shaped like the vendor's sample.
func appendSynthRaw(b []byte, id string, i int, created time.Time, page string, city [2]string) []byte {
	ts := created.In(clue.VendorZone).Format(clue.TimeLayout)
	phone := "1558441" + strconv.Itoa(1000+i%9000)
	name := "客户" + strconv.Itoa(i)
	b = append(b, `{"id":`...)
	b = append(b, id...)
	b = append(b, `,"clue_tag":0,"user_name":"`...)
	b = append(b, name...)
	b = append(b, `","phone":"`...)
	b = append(b, phone...)
	b = append(b, `","phone_stat":`...)
	b = strconv.AppendInt(b, int64(101+i%10), 10)
	b = append(b, `,"intention_id":`...)
	b = strconv.AppendInt(b, int64(i%5), 10)
	b = append(b, `,"account_id":20006545,"user_id":2296341624,"give_up_reason":"","source_type":`...)
	b = strconv.AppendInt(b, int64(1+i%3), 10)
	b = append(b, `,"page_id":153644601223348224,"page_name":"`...)
	b = append(b, page...)
	b = append(b, `","source_url":"https://ad-lp.test.gifshow.com/rest/n/lp/page/getHtml?hyId=landingPg&pageId=1536446012233482","create_time":"`...)
	b = append(b, ts...)
	b = append(b, `","update_time":"`...)
	b = append(b, ts...)
	b = append(b, `","sea_type":2,"biz_id":1003,"channel_flag":1,"child_intention_tag":[],`...)
	b = append(b, `"schedule":{"schedule_id":0,"schedule_desc":"新线索"},"clue_source":{"page_id":153644601223348224,"page_name":"`...)
	b = append(b, page...)
	b = append(b, `","callback":"10098","dsp_campaign_id":1780542389,"dsp_unit_id":3918830021,"dsp_creative_id":40023155290},`...)
	b = append(b, `"form":{"id":145284513928645901,"name":"表单10-14 17:16"},"details":[{"key":"姓名","value":"`...)
	b = append(b, name...)
	b = append(b, `","custom_id":"","comp_type":"姓名"},{"key":"电话","value":"`...)
	b = append(b, phone...)
	b = append(b, `","custom_id":"","comp_type":"电话"},{"key":"下拉单选","value":"[\"宝马2系\",\"`...)
	b = append(b, city[0]...)
	b = append(b, `\",\"`...)
	b = append(b, city[1]...)
	b = append(b, `\",\"二七区\",\"哈登店\"]","custom_id":"[\"002\",\"003\",\"005\",\"010\",\"11010\"]","comp_type":"级联单选"},`...)
	b = append(b, `{"key":"意向车型","value":"X3","custom_id":"","comp_type":"单选"}],"icc_info":{"phone_name":"","to_phone":"",`...)
	b = append(b, `"from_phone":"","call_start_time":null,"call_answer_time":null,"call_finish_time":null,"call_duration":0,"call_stat":0}}`...)
	return b
}
