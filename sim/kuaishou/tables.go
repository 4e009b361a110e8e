package kuaishou

// The tables Generate draws realistic leads from: a car dealer group selling
// through landing pages in a handful of cities, as in the vendor's sample.

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤")

var givenNames = []string{
	"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
	"涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "子涵", "浩然", "欣怡", "梓轩", "雨萱",
	"宇轩", "思雨", "俊杰", "晓东", "建国", "海燕", "志强", "文博", "佳琪", "一鸣", "嘉怡", "天佑",
}

// phonePrefixes are real mobile number blocks (all 1[3-9]x).
var phonePrefixes = []string{
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "147", "150", "151",
	"152", "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178",
	"180", "181", "182", "183", "185", "186", "187", "188", "189", "191", "198", "199",
}

// carModel is one product a landing page advertises; code is its cascade option code.
type carModel struct{ name, code string }

var carModels = []carModel{
	{"宝马2系", "002"}, {"宝马3系", "003"}, {"宝马5系", "005"}, {"宝马X1", "011"},
	{"宝马X3", "013"}, {"宝马X5", "015"}, {"宝马iX3", "023"}, {"宝马i3", "033"},
}

// store is a dealer store in a district, with its cascade code and number.
type store struct{ name, code, number string }

// district is a district of a city and its stores.
type district struct {
	name, code string
	stores     []store
}

// city is a city with its province, their cascade codes and area code.
type city struct {
	province, provinceCode string
	name, code, areaCode   string
	districts              []district
}

var cities = []city{
	{"河南", "003", "郑州", "005", "0371", []district{
		{"二七区", "010", []store{{"哈登店", "11010", "HN0101"}, {"大学路店", "11011", "HN0102"}}},
		{"金水区", "011", []store{{"花园路店", "11020", "HN0103"}}},
		{"郑东新区", "012", []store{{"龙湖店", "11030", "HN0104"}}},
	}},
	{"河南", "003", "洛阳", "006", "0379", []district{
		{"洛龙区", "020", []store{{"开元大道店", "12010", "HN0201"}}},
		{"涧西区", "021", []store{{"南昌路店", "12020", "HN0202"}}},
	}},
	{"广东", "019", "广州", "101", "020", []district{
		{"天河区", "110", []store{{"天河北店", "21010", "GD0101"}, {"珠江新城店", "21011", "GD0102"}}},
		{"白云区", "111", []store{{"机场路店", "21020", "GD0103"}}},
	}},
	{"广东", "019", "深圳", "102", "0755", []district{
		{"南山区", "120", []store{{"科技园店", "22010", "GD0201"}}},
		{"福田区", "121", []store{{"车公庙店", "22020", "GD0202"}}},
		{"宝安区", "122", []store{{"西乡店", "22030", "GD0203"}}},
	}},
	{"浙江", "011", "杭州", "201", "0571", []district{
		{"西湖区", "210", []store{{"文三路店", "31010", "ZJ0101"}}},
		{"滨江区", "211", []store{{"江南大道店", "31020", "ZJ0102"}}},
	}},
	{"浙江", "011", "宁波", "202", "0574", []district{
		{"鄞州区", "220", []store{{"鄞州中心店", "32010", "ZJ0201"}}},
	}},
	{"四川", "023", "成都", "301", "028", []district{
		{"武侯区", "310", []store{{"红牌楼店", "41010", "SC0101"}}},
		{"高新区", "311", []store{{"天府大道店", "41020", "SC0102"}}},
	}},
	{"上海", "031", "上海", "401", "021", []district{
		{"浦东新区", "410", []store{{"金桥店", "51010", "SH0101"}, {"张江店", "51011", "SH0102"}}},
		{"闵行区", "411", []store{{"莘庄店", "51020", "SH0103"}}},
	}},
	{"北京", "001", "北京", "501", "010", []district{
		{"朝阳区", "510", []store{{"望京店", "61010", "BJ0101"}, {"亚运村店", "61011", "BJ0102"}}},
		{"海淀区", "511", []store{{"中关村店", "61020", "BJ0103"}}},
	}},
}

// pageTemplates name landing pages by source type: model, then city.
var pageTemplates = map[int][]string{
	1: {"%s试驾预约-%s", "%s限时优惠-%s", "%s到店有礼-%s", "%s金融方案咨询-%s", "%s新车上市-%s"},
	2: {"%s智能电话-%s", "%s一键拨号-%s"},
	3: {"%s在线咨询-%s", "%s顾问1对1-%s"},
}

var intentionIDs = []int{0, 0, 0, 0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 15}

var phoneStats = []int{
	0, 0, 0, 0, 0, 0, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110,
	201, 202, 203, 204, 205, 206, 207, 208, 209, 210,
}

var scheduleDescs = []string{"新线索", "电话建联", "明确意向", "微信加粉", "成交"}

var childIntentionDescs = []string{
	"", "高意向度-高意愿", "高意向度-有明确需求", "潜在客户类标签-有购买力", "潜在客户类标签-多次建联",
	"无意向类标签-无购买能力", "无意向类标签-非本人提交", "无意向类标签-非本人接电话",
	"无意向类标签-无购买意愿", "无意向类标签-业务范围不符",
}

var giveUpReasons = []string{"", "", "", "", "", "", "客户无意向", "空号", "已在其他门店成交", "重复线索"}

var purchaseTimes = []string{"1个月内", "1-3个月", "3-6个月", "半年以上", "暂不确定"}
