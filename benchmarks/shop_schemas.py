"""The two generated shops' schema files: column kinds, units, and the shop's own Chinese names of its values."""

from __future__ import annotations

# the shop's own names of its values in Chinese (a shop writes these once in its schema file)
GEAR_SCHEMA = {
    "category": {
        "type": "category",
        "label_zh": "类别",
        "aliases": {
            "tent": ["帐篷", "帐"],
            "sleeping bag": ["睡袋"],
            "backpack": ["背包", "双肩包", "登山包"],
            "jacket": ["夹克", "外套", "冲锋衣"],
            "boots": ["靴子", "登山靴", "徒步鞋", "登山鞋"],
            "stove": ["炉子", "炉头", "气炉"],
            "headlamp": ["头灯"],
            "trekking poles": ["登山杖", "徒步杖"],
            "water filter": ["净水器", "滤水器"],
            "sleeping pad": ["睡垫", "防潮垫"],
        },
    },
    "brand": {"type": "category", "label_zh": "品牌"},
    "price": {"type": "numeric", "unit": "USD", "label_zh": "价格"},
    "weight_g": {"type": "numeric", "unit": "g", "label_zh": "重量"},
    "tags": {
        "type": "multi",
        "aliases": {
            "waterproof": ["防水"],
            "ultralight": ["超轻"],
            "4-season": ["四季"],
            "3-season": ["三季"],
            "budget": ["平价", "入门款"],
            "family": ["家庭", "家用"],
            "women's": ["女款", "女士"],
            "kids": ["儿童"],
            "insulated": ["保暖"],
            "down": ["羽绒"],
            "synthetic": ["化纤"],
            "packable": ["便携", "可收纳"],
            "rechargeable": ["充电", "可充电"],
            "recycled": ["环保", "再生材料"],
            "freestanding": ["自立"],
            "carbon": ["碳纤维"],
            "wide": ["加宽"],
        },
    },
}


BOOK_SCHEMA = {
    "author": {"type": "category", "label_zh": "作者"},
    "genre": {
        "type": "multi",
        "label_zh": "类型",
        "aliases": {
            "Mystery": ["悬疑", "推理"],
            "Thriller": ["惊悚"],
            "Science Fiction": ["科幻", "sci-fi", "scifi"],
            "Fantasy": ["奇幻", "魔幻"],
            "Romance": ["爱情", "言情"],
            "History": ["历史"],
            "Biography": ["传记"],
            "Cookbook": ["食谱", "菜谱", "烹饪"],
            "Self-help": ["励志", "自我提升", "自助"],
            "Poetry": ["诗歌", "诗集"],
            "Children": ["儿童", "童书"],
            "Horror": ["恐怖"],
            "Literary Fiction": ["纯文学", "文学小说"],
        },
    },
    "year": {"type": "numeric", "unit": "year"},
    "pages": {"type": "numeric", "unit": "pages"},
    "price": {"type": "numeric", "unit": "USD"},
    "language": {
        "type": "category",
        "label_zh": "语言",
        "aliases": {
            "English": ["英文", "英语"],
            "Chinese": ["中文"],
            "French": ["法语", "法文"],
            "Spanish": ["西班牙语"],
        },
    },
}
