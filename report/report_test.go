package report

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/cluebot/cluebot/store"
)

var reportDay = time.Date(2024, 5, 1, 0, 0, 0, 0, shanghai)

// dayClues is 2024-05-01 (a Wednesday) in Shanghai, with clues on both of
// its edges, either side of them, the day before and a week before.
func dayClues(t testing.TB) []store.Clue {
	v := vendorRecords(t, "clue-list-variant.json")
	storeInfo := map[string]any{"province": "河南", "city": "洛阳", "store_name": "洛阳店"}
	return []store.Clue{
		// 08:30, the 22-digit id, 高意向, no page name.
		routed(stored(t, v[0]), []string{"henan-hot"}, []string{"张三"}, 1, 0, 0),
		// 09:00, a smart-phone clue no route took.
		routed(stored(t, v[3]), nil, nil, 0, 0, 0),
		routed(variant(t, "197451604008536390", at("2024-05-01", "00:00:00"), nil),
			[]string{"henan-hot", "everything-else"}, []string{"李四", ""}, 1, 0, 1),
		routed(variant(t, "197451604008536391", at("2024-05-01", "23:59:59"),
			map[string]any{"page_name": "宝马X3试驾", "store_info": storeInfo, "intention_id": 3}),
			[]string{"everything-else"}, []string{""}, 0, 1, 0),
		variant(t, "197451604008536395", at("2024-05-01", "12:30:00"), nil), // not routed yet
		routed(variant(t, "197451604008536392", at("2024-04-30", "23:59:59"), nil), []string{"henan-hot"}, nil, 1, 0, 0),
		routed(variant(t, "197451604008536393", at("2024-05-02", "00:00:00"), nil), []string{"henan-hot"}, nil, 1, 0, 0),
		routed(variant(t, "197451604008536394", at("2024-04-24", "10:00:00"),
			map[string]any{"page_name": "宝马X3试驾", "store_info": storeInfo}), []string{"everything-else"}, nil, 1, 0, 0),
	}
}

func reportOpts() Options {
	return Options{
		Zone: shanghai, Fields: sampleFields, AccountNames: map[int64]string{20006545: "郑州宝马"},
		Now: func() time.Time { return time.Date(2024, 5, 2, 9, 0, 0, 0, shanghai) },
	}
}

// writeDay writes the report of reportDay and opens it.
func writeDay(t *testing.T, src Source, opts Options) (*excelize.File, *DaySummary, []byte) {
	t.Helper()
	var buf bytes.Buffer
	sum, err := Write(context.Background(), src, reportDay, opts, &buf)
	require.NoError(t, err)
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	return f, sum, buf.Bytes()
}

// column returns the 1-based index of a 明细 header.
func columnOf(t *testing.T, header []string, title string) int {
	t.Helper()
	for i, h := range header {
		if h == title {
			return i + 1
		}
	}
	require.Failf(t, "no column", "%q not in %v", title, header)
	return 0
}

// cell returns a 明细 cell by row and header.
func cell(t *testing.T, f *excelize.File, sheet string, header []string, row int, title string) string {
	t.Helper()
	name, err := excelize.CoordinatesToCellName(columnOf(t, header, title), row)
	require.NoError(t, err)
	v, err := f.GetCellValue(sheet, name)
	require.NoError(t, err)
	return v
}

func TestReportDetailRows(t *testing.T) {
	f, sum, _ := writeDay(t, newMemSource(dayClues(t)...), reportOpts())
	require.Equal(t, []string{"汇总", "明细"}, f.GetSheetList())
	require.Equal(t, 0, f.GetActiveSheetIndex(), "the report opens on 汇总")
	rows, err := f.GetRows("明细")
	require.NoError(t, err)
	require.Len(t, rows, 1+5, "a header and the day's 5 clues")
	require.Equal(t, 5, sum.Total.Day)
	h := rows[0]
	ids := []string{"197451604008536390", "1974516040085363860123", "197451604008536387", "197451604008536395", "197451604008536391"}
	for i, id := range ids {
		require.Equal(t, id, cell(t, f, "明细", h, i+2, "线索ID"), "row %d", i+2)
	}
	for _, tc := range []struct {
		name  string
		row   int
		title string
		want  string
	}{
		{"first instant of the day", 2, "创建时间", "2024-05-01 00:00:00"},
		{"last instant of the day", 6, "创建时间", "2024-05-01 23:59:59"},
		{"update time", 2, "更新时间", "2024-05-01 00:05:00"},
		{"full phone by default", 2, "电话", "15584418917"},
		{"name", 2, "姓名", "旧表单打点1"},
		{"form answers as lines", 2, "表单", "姓名: 旧表单打点1\n电话: 15584418917\n下拉单选: 宝马2系/河南/郑州/二七区/哈登店"},
		{"city from the form", 2, "城市", "郑州"},
		{"store from the form", 2, "门店", "哈登店"},
		{"city from store_info", 6, "城市", "洛阳"},
		{"page", 2, "落地页", "王测试表单打点1"},
		{"page id exact", 2, "落地页ID", "153644601223348224"},
		{"form id not a campaign", 2, "计划ID", ""},
		{"advertiser", 2, "广告主ID", "20006545"},
		{"account name", 2, "账户", "郑州宝马"},
		{"routes", 2, "路由", "henan-hot, everything-else"},
		{"assignees", 2, "负责人", "李四"},
		{"partly failed", 2, "投递状态", "部分失败"},
		{"delivered", 3, "投递状态", "已送达"},
		{"unrouted", 4, "投递状态", "未分配路由"},
		{"not routed yet", 5, "投递状态", "待路由"},
		{"pending", 6, "投递状态", "待发送"},
		{"intention label", 3, "意向", "高意向"},
		{"call status label", 3, "通话状态", "已接通-有效通话(系统判定)"},
		{"clue tag label", 3, "线索标签", "新增"},
		{"source type label", 4, "来源类型", "智能电话"},
		{"schedule label", 2, "跟进进度", "新线索"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, cell(t, f, "明细", h, tc.row, tc.title))
		})
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"minimal", Config{Schedule: "0 9 * * *", OutDir: "reports"}, ""},
		{"everything", Config{Schedule: "CRON_TZ=Asia/Shanghai 30 8 * * 1-5", OutDir: "reports", SplitBy: "route",
			FormColumns: []string{"意向车型", "预算"}, SummaryTop: 8}, ""},
		{"no out dir", Config{Schedule: "0 9 * * *"}, "report.out_dir: must be set"},
		// What `cluebot run` refuses, `config check` must refuse too.
		{"no schedule", Config{OutDir: "r"}, `report.schedule: "" is not a 5-field cron schedule`},
		{"schedule not cron", Config{Schedule: "daily", OutDir: "r"}, `report.schedule: "daily" is not a 5-field cron schedule`},
		{"hour out of range", Config{Schedule: "0 25 * * *", OutDir: "r"}, `report.schedule: "0 25 * * *" is not a 5-field cron schedule`},
		{"seconds field", Config{Schedule: "0 0 9 * * *", OutDir: "r"}, `report.schedule: "0 0 9 * * *" is not a 5-field cron schedule`},
		{"unknown split", Config{Schedule: "0 9 * * *", OutDir: "r", SplitBy: "city"}, `report.split_by: "city"`},
		{"empty form column", Config{Schedule: "0 9 * * *", OutDir: "r", FormColumns: []string{"预算", ""}}, "report.form_columns.1: must not be empty"},
		{"form column twice", Config{Schedule: "0 9 * * *", OutDir: "r", FormColumns: []string{"预算", "预算"}}, `report.form_columns.1: "预算" is listed twice`},
		{"negative top", Config{Schedule: "0 9 * * *", OutDir: "r", SummaryTop: -1}, "report.summary_top: must not be negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestFormColumns(t *testing.T) {
	opts := reportOpts()
	opts.FormColumns = []string{"下拉单选", "姓名", "没有的题"}
	f, _, _ := writeDay(t, newMemSource(dayClues(t)...), opts)
	rows, err := f.GetRows("明细")
	require.NoError(t, err)
	require.Equal(t, []string{"表单", "下拉单选", "姓名(表单)", "没有的题", "路由"}, rows[0][9:14], "after 表单, clashes renamed")
	require.Equal(t, "宝马2系/河南/郑州/二七区/哈登店", cell(t, f, "明细", rows[0], 2, "下拉单选"))
	require.Equal(t, "旧表单打点1", cell(t, f, "明细", rows[0], 2, "姓名(表单)"))
	require.Equal(t, "", cell(t, f, "明细", rows[0], 2, "没有的题"))
}
