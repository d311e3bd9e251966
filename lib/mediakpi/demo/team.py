"""The demo team: who runs which account, and the text pools the generator draws from.

Pure data, kept apart from the generator so a reader can see the whole cast at a glance.
"""
from __future__ import annotations

from dataclasses import dataclass

MANAGER = "孙丽"

# name, employee id, role, mean content-quality score, mean 1-5 rating
OPERATORS = [
    ("张伟", "E1001", "高级运营", 88, 4.4),
    ("李娜", "E1002", "新媒体运营", 82, 4.0),
    ("王芳", "E1003", "短视频运营", 85, 4.1),
    ("刘洋", "E1004", "内容运营", 79, 3.7),
    ("陈静", "E1005", "新媒体运营", 86, 4.2),
    ("杨帆", "E1006", "视频运营", 80, 3.8),
    ("赵磊", "E1007", "短视频运营", 74, 3.4),
    ("周婷", "E1008", "社群运营", 83, 4.0),
]


@dataclass(frozen=True)
class Account:
    folder: str            # the roster's 账号 and the sub-folder name
    platform: str
    operator: str
    followers: int         # at the start of the demo window
    growth: float          # organic monthly follow rate
    churn: float           # monthly unfollow rate
    since_index: int = -1  # first month (0-based in the window) the account exists; -1 = before the window
    roster_start: str = "2024-03-01"


ACCOUNTS = [
    Account("青禾茶事", "wechat", "张伟", 350_000, 0.02, 0.008),
    Account("青禾茶事", "weibo", "李娜", 1_200_000, 0.012, 0.006),
    Account("青禾茶事", "douyin", "王芳", 2_500_000, 0.015, 0.007),
    Account("青禾研究所", "wechat", "刘洋", 45_000, 0.03, 0.01, roster_start="2024-09-01"),
    Account("茶小禾", "xiaohongshu", "陈静", 85_000, 0.04, 0.01, roster_start="2025-01-06"),
    Account("茶小禾日常", "xiaohongshu", "张伟", 300, 0.3, 0.02, since_index=6),
    Account("青禾茶课", "bilibili", "张伟", 30_000, 0.03, 0.01),
    Account("青禾TV", "bilibili", "杨帆", 180_000, 0.02, 0.008),
    Account("青禾茶事视频号", "channels", "赵磊", 20_000, 0.04, 0.01, roster_start="2025-03-01"),
    Account("青禾好物", "channels", "周婷", 5_000, 0.05, 0.015, roster_start="2025-06-01"),
    Account("青禾快手", "kuaishou", "杨帆", 400_000, 0.015, 0.008),
    Account("茶园日记", "douyin", "赵磊", 60_000, 0.03, 0.01, roster_start="2024-11-01"),
    Account("一叶知秋", "weibo", "刘洋", 8_000, 0.04, 0.012, roster_start="2025-05-01"),
]

# The account that changes hands mid-month once: (folder, platform, new operator, month index, day of the handover).
HANDOVER = ("茶园日记", "douyin", "周婷", 8, 16)

# Accepted roster spellings (docs/specs/data-contract.md), rotated so every month mixes them.
PLATFORM_NAMES = {
    "wechat": ["微信公众号", "公众号", "WeChat", "微信"],
    "weibo": ["微博", "Weibo"],
    "douyin": ["抖音", "Douyin", "抖音"],
    "xiaohongshu": ["小红书", "XHS", "RED", "ＸＨＳ"],
    "bilibili": ["B站", "哔哩哔哩", "bilibili"],
    "channels": ["视频号", "微信视频号", "Channels"],
    "kuaishou": ["快手", "Kuaishou"],
}
CALENDAR_PLATFORM = {"wechat": "公众号", "weibo": "微博", "douyin": "抖音", "xiaohongshu": "小红书",
                     "bilibili": "B站", "channels": "视频号", "kuaishou": "快手"}

TOPICS = ["白茶", "红茶", "绿茶", "普洱", "岩茶", "乌龙", "花茶", "茶具", "冷泡茶", "茶点", "抹茶", "老白茶"]
PLACES = ["福鼎", "武夷山", "安溪", "西湖", "云南", "黄山", "信阳", "恩施"]
TEMPLATES = [
    "{t}到底怎么选？一篇讲清楚",
    "3 分钟学会{t}冲泡",
    "探访{p}茶园：{t}的一天",
    "{t}入门指南（收藏版）",
    "为什么{p}的{t}这么贵",
    "{t}的 5 个误区，你中了几个",
    "办公室{t}这样喝更香",
    "{p}茶农的{t}手记",
    "一杯{t}的诞生",
    "{t}和{t2}，差在哪里",
    "秋冬喝{t}，记住这三点",
    "新手买{t}避坑清单",
]
EMOJI = ["🍵", "🌿", "✨", "🔥", "📦", "🍂"]
HASHTAGS = ["#茶生活", "#喝茶", "#好茶推荐", "#茶知识", "#治愈系", "#国风"]

FESTIVALS = {11: "双11囤茶节", 2: "新春茶礼", 6: "618年中茶节", 9: "中秋茶礼", 10: "国庆秋茶上新"}
PARTNERS = ["福鼎白茶协会", "某某茶具品牌", "城市生活杂志", "本地咖啡馆联盟", "茶文化博主联盟", "电商平台官方号"]
COMMUNITIES = [("青禾茶友会", "周婷", 1800), ("青禾会员群", "李娜", 950)]
CONVERSIONS = [("张伟", "公众号文章→小程序下单", 0.02), ("陈静", "小红书笔记→私信咨询", 0.05),
               ("周婷", "社群→会员注册", 0.08)]
COMMENTS = ["选题敏锐，执行稳定", "数据复盘及时", "跨部门沟通顺畅", "需要加强时间管理", "创意好，细节待打磨",
            "主动分享经验", "本月交付有延误"]
