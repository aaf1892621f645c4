"""The demo world's words: provinces, trades, land uses, minerals, methods, failures, pools.

Plain data, no logic: what the lifecycle modules choose from."""

from __future__ import annotations

from datetime import datetime

from models.normalize.uscc import ALPHABET as USCC_ALPHABET

# -- constants ---------------------------------------------------------------------------

DEFAULT_SEED = 20261124

FIRST_DAY = datetime(2025, 1, 6)  # the earliest first notice of a project
START_SPAN_DAYS = 540  # first notices fall between 2025-01-06 and 2026-06-30
XLSX_ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # pinned zip member timestamps
XLSX_DOC_TIME = "2026-01-01T00:00:00Z"  # pinned docProps/core.xml created/modified

TERMINATED_SHARE = 0.05
OPEN_SHARE = 0.10
REPEAT_WINNER_SHARE = 0.55  # share of awards that go to a kind's pool of frequent winners
WINNER_POOL_SIZE = 24
RESUBMIT_CHANGED = 3  # notices of the re-submission with one value changed

NEW_ORG_CHARS = USCC_ALPHABET  # characters of post-2015 "MA…" subject ids

IDEOGRAPHIC_SPACE = "\u3000"
CN_UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"
CN_UPPER_UNITS = ("", "拾", "佰", "仟")
CN_UPPER_SECTIONS = ("", "万", "亿")

# Two-digit province code → (short name used in names, pinyin abbreviation used in codes).
PROVINCES: dict[str, tuple[str, str]] = {
    "11": ("北京", "BJ"), "12": ("天津", "TJ"), "13": ("河北", "HE"), "14": ("山西", "SX"),
    "15": ("内蒙古", "NM"), "21": ("辽宁", "LN"), "22": ("吉林", "JL"), "23": ("黑龙江", "HL"),
    "31": ("上海", "SH"), "32": ("江苏", "JS"), "33": ("浙江", "ZJ"), "34": ("安徽", "AH"),
    "35": ("福建", "FJ"), "36": ("江西", "JX"), "37": ("山东", "SD"), "41": ("河南", "HA"),
    "42": ("湖北", "HB"), "43": ("湖南", "HN"), "44": ("广东", "GD"), "45": ("广西", "GX"),
    "46": ("海南", "HI"), "50": ("重庆", "CQ"), "51": ("四川", "SC"), "52": ("贵州", "GZ"),
    "53": ("云南", "YN"), "54": ("西藏", "XZ"), "61": ("陕西", "SN"), "62": ("甘肃", "GS"),
    "63": ("青海", "QH"), "64": ("宁夏", "NX"), "65": ("新疆", "XJ"),
}
# Provinces of the national (aggregator) files, per area.
NATIONAL = ("13", "14", "32", "34", "35", "36", "37", "41", "42", "43", "50", "52", "53", "61", "62")
MINING_PROVINCES = ("13", "14", "34", "36", "41", "43", "45", "52", "53", "61", "62", "65")

ETHNIC_GROUPS = (
    "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族", "瑶族",
    "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "拉祜族", "水族",
    "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族",
    "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "鄂温克族", "德昂族", "保安族",
    "裕固族", "京族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)
TRADE_NAMES = (
    "宏达", "恒信", "锦华", "中联", "华泰", "鑫源", "远景", "立诚", "博瑞", "天正", "金泰", "盛世", "汇通",
    "宏远", "永信", "德邦", "华晟", "浩宇", "卓越", "众诚", "瑞丰", "嘉禾", "鼎盛", "兴业", "安泰", "中恒",
    "海纳", "聚力", "同创", "弘毅", "启航", "正泰", "万通", "长青", "明远", "信达", "恒达", "新纪元", "华宇",
    "泰和", "润泽", "蓝海", "精诚", "佳和", "顺通", "国瑞", "天成", "宏图", "创新", "联创", "九州", "致远",
)
INDUSTRIES = {
    "land": ("置业", "房地产开发", "实业", "科技", "新材料", "智能制造", "物流", "食品"),
    "mining": ("矿业", "建材", "资源开发", "矿产开发", "砂石"),
    "state_asset": ("投资", "实业", "控股", "资产管理", "贸易", "科技"),
    "tender": ("建设", "建筑工程", "建工集团", "路桥", "水利水电工程", "市政工程"),
}
COMPANY_FORMS = (("有限公司", 80), ("股份有限公司", 15), ("集团有限公司", 5))
AGENT_FORMS = ("招标代理有限公司", "工程咨询有限公司", "项目管理有限公司", "招标有限公司", "工程管理咨询有限公司")
TOWNS = ("城关镇", "新城街道", "经济开发区", "工业园区", "高新区", "城南街道", "城北街道", "东城街道", "河西镇", "临港新区")
ROADS = ("人民路", "建设路", "中山路", "解放路", "新华路", "文化路", "滨河路", "迎宾大道", "工业大道", "环城路")
VILLAGES = ("大坪", "石门", "黄岭", "青龙", "白沙", "马鞍山", "金鸡", "双河", "龙潭", "柳树沟", "老虎坡", "红岩")

# Land: (use, weight, term, area ha range, yuan per m² range, plot ratio caps, supply methods with weights).
LAND_USES: tuple[tuple[str, int, str, tuple[float, float], tuple[int, int], tuple[str, ...], tuple[tuple[str, int], ...]], ...] = (
    ("工业用地", 34, "50", (0.6, 12.0), (180, 650), ("1.2", "1.5", "2.0", "2.5"),
     (("挂牌出让", 70), ("协议出让", 20), ("拍卖出让", 10))),
    ("城镇住宅用地", 20, "70", (1.5, 9.0), (2500, 22000), ("2.0", "2.2", "2.5", "2.8", "3.0"),
     (("挂牌出让", 60), ("拍卖出让", 30), ("招标出让", 10))),
    ("商务金融用地", 8, "40", (0.5, 4.0), (1800, 9000), ("3.0", "3.5", "4.0", "5.0"),
     (("挂牌出让", 80), ("拍卖出让", 20))),
    ("零售商业用地", 8, "40", (0.3, 3.0), (1500, 8000), ("1.5", "2.0", "2.5"), (("挂牌出让", 85), ("拍卖出让", 15))),
    ("仓储用地", 8, "50", (1.0, 8.0), (200, 500), ("1.0", "1.5", "2.0"), (("挂牌出让", 80), ("协议出让", 20))),
    ("城镇住宅用地、零售商业用地", 7, "城镇住宅用地70年；零售商业用地40年", (1.0, 6.0), (2200, 15000),
     ("2.2", "2.5", "3.0"), (("挂牌出让", 100),)),
    ("公共管理与公共服务用地", 8, "", (0.5, 6.0), (0, 0), ("1.0", "1.5", "2.0"), (("划拨", 100),)),
)
LAND_INDUSTRY = {"工业用地": "制造业", "科研用地": "科学研究和技术服务业", "仓储用地": "交通运输、仓储和邮政业", "公共管理与公共服务用地": "公共管理、社会保障和社会组织"}
# yuan per m² of one county's industrial parcels of a year (demo.generate.plan): the last one sold far
# below the others' median (L-COMPARABLE flags it; the others are clear).
FLAG_PARCEL_UNITS = (430, 455, 470, 495, 520, 160)
LAND_GRADES = ("一级", "二级", "三级", "四级", "五级", "六级", "城区Ⅳ级")
METHOD_MARK = {"挂牌出让": "挂", "拍卖出让": "拍", "招标出让": "招", "协议出让": "协", "划拨": "划"}

# Mining: (mineral, right type, area km² range, starting price 万元 range, production scale).
MINERALS: tuple[tuple[str, str, tuple[float, float], tuple[int, int], str], ...] = (
    ("金矿", "探矿权", (3.0, 45.0), (60, 2800), ""),
    ("铜矿", "探矿权", (5.0, 60.0), (80, 3500), ""),
    ("铅锌矿", "探矿权", (2.0, 30.0), (50, 1800), ""),
    ("锂矿", "探矿权", (4.0, 40.0), (300, 9000), ""),
    ("萤石", "探矿权", (1.0, 12.0), (40, 900), ""),
    ("建筑用砂石", "采矿权", (0.08, 1.6), (800, 26000), "{n}万吨/年"),
    ("水泥用石灰岩", "采矿权", (0.2, 2.5), (1500, 42000), "{n}万吨/年"),
    ("饰面用花岗岩", "采矿权", (0.05, 0.8), (300, 5000), "{n}万立方米/年"),
    ("铁矿", "采矿权", (0.3, 3.0), (2000, 60000), "{n}万吨/年"),
    ("砖瓦用页岩", "采矿权", (0.03, 0.5), (100, 1800), "{n}万吨/年"),
)
MINING_METHODS = (("挂牌", 55), ("拍卖", 20), ("招标", 5), ("协议出让", 20))
# 协议出让 grounds in turn: two of the legal cases (自然资规〔2023〕6号), none published, one that is not a case.
AGREEMENT_GROUNDS = ("已设采矿权深部或上部的同类矿产资源，与原矿业权属同一主体", "",
                     "企业生产经营需要，申请扩大矿区范围", "国务院批准的重点建设项目配套矿产资源")
EXPLORATION_STAGES = ("普查", "详查", "勘探")

# Procurement.
PROCUREMENT_METHODS = (("公开招标", 45), ("竞争性磋商", 20), ("竞争性谈判", 8), ("询价", 9), ("单一来源", 10),
                       ("邀请招标", 3), ("框架协议", 5))
ANNOUNCEMENT_WORD = {"公开招标": "公开招标公告", "竞争性磋商": "竞争性磋商公告", "竞争性谈判": "竞争性谈判公告",
                     "询价": "询价公告", "单一来源": "单一来源采购公示", "邀请招标": "邀请招标资格预审公告",
                     "框架协议": "框架协议采购征集公告"}
IT_TRADES = ("信息技术", "软件", "数字科技")
PROPERTY_TRADES = ("物业服务", "物业管理")
# Buyer type → (item, 品目, budget range in 万元, industries of the winners).
BUYER_TYPES: dict[str, tuple[tuple[str, str, int, int, tuple[str, ...]], ...]] = {
    "hospital": (("医疗设备", "货物/医疗设备", 80, 2600, ("医疗器械", "医疗科技")),
                 ("物业管理服务", "服务/物业管理服务", 60, 900, PROPERTY_TRADES),
                 ("信息化建设", "服务/信息技术服务", 50, 1200, IT_TRADES),
                 ("医用耗材", "货物/医用耗材", 30, 600, ("医疗器械", "医药"))),
    "school": (("教学设备", "货物/教学仪器", 20, 600, ("教育装备", "教学设备")),
               ("学生食堂托管服务", "服务/餐饮服务", 30, 400, ("餐饮管理", "后勤服务")),
               ("图书", "货物/图书", 5, 120, ("图书", "文化传播")),
               ("智慧校园建设", "服务/信息技术服务", 40, 800, IT_TRADES)),
    "bureau": (("办公家具", "货物/家具", 5, 150, ("家具", "办公家具")),
               ("政务信息系统运维服务", "服务/运维服务", 20, 500, IT_TRADES),
               ("公务用车", "货物/车辆", 15, 180, ("汽车销售", "汽车贸易")),
               ("年度审计服务", "服务/审计服务", 3, 60, ("财务咨询", "税务师事务所")),
               ("国土空间规划编制服务", "服务/规划服务", 50, 600, ("规划设计", "工程设计")),
               ("保安服务", "服务/安保服务", 10, 200, ("保安服务",)),
               ("办公楼维修改造工程", "工程/修缮工程", 40, 380, ("建设工程", "建筑装饰工程"))),
    "university": (("实验室仪器设备", "货物/仪器仪表", 100, 3000, ("仪器", "科学仪器")),
                   ("高性能计算平台", "货物/计算机设备", 200, 2800, ("信息技术", "计算机系统")),
                   ("学生公寓物业服务", "服务/物业管理服务", 100, 1500, PROPERTY_TRADES)),
}
BUREAUS = ("教育局", "卫生健康局", "农业农村局", "公安局", "财政局", "住房和城乡建设局", "市场监督管理局",
           "人民政府办公室", "自然资源局", "交通运输局", "水利局", "民政局")
PROCUREMENT_FAILURES = ("有效供应商不足三家", "投标截止时间结束后参加投标的供应商不足三家",
                        "因采购需求发生变化，项目终止", "出现影响采购公正的违法、违规行为")

# State-owned property rights.
STATE_ASSET_METHODS = (("网络竞价", 50), ("动态报价", 20), ("拍卖", 10), ("协议转让", 12), ("招投标", 8))
SOE_FORMS = ("投资集团有限公司", "城市建设投资有限公司", "国有资产经营有限公司", "交通投资集团有限公司",
             "产业发展集团有限公司", "文化旅游投资有限公司")
ASSET_THINGS = ("位于{place}{road}的商业用房", "{owner}所属{n}辆公务车辆", "{owner}废旧生产设备一批",
                "位于{place}{road}的办公楼", "{place}仓储物流中心房地产")

# Engineering tenders.
_CITY_INVEST = "城市建设投资集团有限公司"
# Works and who tenders them (a company owner has a 91 code, a hospital 12, a bureau 11).
TENDER_WORKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("{road}改扩建工程", ("交通运输局",)),
    ("第二人民医院住院综合楼建设项目", ("第二人民医院", "卫生健康局")),
    ("{town}农村饮水安全巩固提升工程", ("水利局",)),
    ("第三中学教学综合楼建设工程", ("教育局",)),
    ("城区污水管网提升改造工程", ("住房和城乡建设局", _CITY_INVEST)),
    ("高标准农田建设项目", ("农业农村局",)),
    ("{village}河道综合治理工程", ("水利局",)),
    ("城市道路排水防涝工程", ("住房和城乡建设局", _CITY_INVEST)),
    ("产业园区标准厂房建设项目", (_CITY_INVEST,)),
    ("老旧小区改造工程", ("住房和城乡建设局",)),
)
FUNDING = ("财政资金", "国有资金", "地方政府专项债券", "自筹资金", "中央预算内投资")
TENDER_FAILURES = ("投标人不足3家，本次招标失败", "所有投标均被否决", "招标文件存在重大缺陷，依法重新招标")
QUALITY = ("合格", "合格", "优良")

# The big benchmark CSV (procurement, UTF-8, English field names).
BIG_CSV_HEADERS = ("notice_type", "title", "publisher", "published_at", "region_code", "project_no", "project_name",
                   "buyer", "agent", "budget", "method", "category", "lot", "winner", "winner_uscc",
                   "award_amount", "bid_count", "body")
BIG_REGIONS = 300
BIG_BUYERS = 3000
BIG_AGENTS = 1500
BIG_WINNERS = 3000
