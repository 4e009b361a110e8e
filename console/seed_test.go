package console

import (
	"context"
	"encoding/json"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// Lead ids and phones of the seeded store.
const (
	idPlain   = "1974516040085363801"
	idHostile = "1974516040085363802"
	idAlone   = "1974516040085363803"

	phonePlain   = "13812345678"
	phoneHostile = "13900001111"
)

// hostileName and the others are lead fields written to break out of HTML.
const (
	hostileName   = `<script>alert("name")</script><b>粗</b>`
	hostilePage   = `<img src=x onerror=alert(1)>落地页`
	hostileAnswer = `"><script>alert(2)</script>`
	hostileError  = `<script>alert("err")</script> 400`
)

// rawClue is the vendor JSON of a clue with form answers.
func rawClue(id, name, phone, page string, created time.Time, answers [][2]string) []byte {
	details := []map[string]string{}
	for _, a := range answers {
		details = append(details, map[string]string{"key": a[0], "value": a[1], "comp_type": a[0]})
	}
	b, err := json.Marshal(map[string]any{"id": id, "user_name": name, "phone": phone, "page_name": page,
		"create_time": created.In(beijing).Format(time.DateTime), "update_time": created.In(beijing).Format(time.DateTime),
		"details": details})
	if err != nil {
		panic(err)
	}
	return b
}

// seed stores three leads: a plain one routed to sales (sent) and managers
// (dead) with one change in its history; a hostile one, every field HTML,
// dead at managers; and an unrouted one.
func (e *env) seed() {
	t, ctx := e.t, context.Background()
	t.Helper()
	at := func(h int) time.Time { return time.Date(2026, 3, 9, h, 30, 0, 0, beijing) }
	clue := func(id, name, phone, page string, created time.Time, answers [][2]string) store.Clue {
		return store.Clue{ID: id, AdvertiserID: 20006545, CreateTime: created, UpdateTime: created,
			PageID: "153644601223348224", PageName: page, UserName: name, Phone: phone,
			Raw: rawClue(id, name, phone, page, created, answers)}
	}
	plain := clue(idPlain, "张三", phonePlain, "春季装修报名页", at(9), [][2]string{{"姓名", "张三"}, {"电话", phonePlain}, {"城市", "郑州"}})
	hostile := clue(idHostile, hostileName, phoneHostile, hostilePage, at(10), [][2]string{{"<i>备注</i>", hostileAnswer}, {"电话", phoneHostile}})
	alone := clue(idAlone, "王五", "13700002222", "秋季报名页", at(11), nil)
	_, err := e.st.UpsertClues(ctx, []store.Clue{plain, hostile, alone})
	require.NoError(t, err)
	changed := plain
	changed.IntentionID, changed.UpdateTime = 2, at(12)
	_, err = e.st.UpsertClues(ctx, []store.Clue{changed})
	require.NoError(t, err)

	route := func(id string, receivers ...string) {
		ok, err := e.st.SaveRouting(ctx, store.Routing{ClueID: id, RoutedAt: now.Add(-time.Hour),
			Results: []store.RouteResult{{Route: "henan", Assignee: "李四", Receivers: receivers}}})
		require.NoError(t, err)
		require.True(t, ok)
	}
	route(idPlain, "sales", "managers")
	route(idHostile, "managers")
	_, err = e.st.SaveRouting(ctx, store.Routing{ClueID: idAlone, RoutedAt: now.Add(-time.Hour)})
	require.NoError(t, err)

	claim := func(receiver string) []store.OutboxItem {
		items, err := e.st.ClaimOutbox(ctx, store.Claim{Receiver: receiver, Owner: "test", Now: now, Lease: time.Minute, Limit: 10})
		require.NoError(t, err)
		return items
	}
	sales := claim("sales")
	require.Len(t, sales, 1)
	require.NoError(t, e.st.MarkSent(ctx, []int64{sales[0].ID}, now.Add(-50*time.Minute)))
	managers := claim("managers")
	require.Len(t, managers, 2)
	require.NoError(t, e.st.MarkDead(ctx, []int64{managers[0].ID, managers[1].ID}, hostileError))
}

// deadIDs are the ids of the dead deliveries, by lead id.
func (e *env) deadIDs() map[string]int64 {
	items, err := e.st.Deliveries(context.Background(), store.DeliveryQuery{State: store.OutboxDead})
	require.NoError(e.t, err)
	out := map[string]int64{}
	for _, it := range items {
		out[it.ClueID] = it.ID
	}
	return out
}
