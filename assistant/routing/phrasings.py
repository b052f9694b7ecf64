"""The phrasings the rules know, in English and Chinese: one compiled pattern per kind of request.

``rules.fast_route`` reads them in a fixed order; a named group ``x`` is the item or text a pattern
captures, ``pos`` a list position. Kept apart from the logic so that the routes read top to bottom.
"""

from __future__ import annotations

import re

POS = (
    r"(?:the\s+)?(?:(?:second|third|fourth)\s+(?:to|from)\s+(?:the\s+)?last|penultimate|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|top|#\s*\d+"
    r"|number\s+(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
    r"|no\.?\s*\d+|\d+(?:st|nd|rd|th))(?:\s+(?:one|item|movie|film|pick|recommendation|suggestion))?"
)
ZH_POS = r"(?:(?:倒数)?第\s*(?:\d+|[一二两三四五六七八九十])\s*[个部条项本]?|最后(?:一[个部]|那[个部])?)"
END = " \t?？!！.。~～"
TAIL_EN = re.compile(r"\s+(?:please|pls|then|again|a lot|very much|so much|too)$", re.I)
TAIL_ZH = re.compile(r"(?:呢|吗|啊|呀|吧|了|的话|这部电影|这部片|这部|这个)+$")


RECOMMEND = re.compile(
    r"\b(?:recommend|recommendations?|suggest|suggestions?|what should i (?:watch|see|buy|get)|what to watch|give me"
    r"|show me|something|anything|more|others|another|different ones|ideas|options|picks)\b"
    r"|推荐|有什么好看|看什么|换一批|再来|几部|来点|来些|给我|还有别的",
    re.I,
)
SEARCH_VERB = re.compile(
    r"^(?:find|search|look(?:ing)?\s+(?:for|up)|list|are\s+there|is\s+there|do\s+you\s+(?:have|carry|stock)|have\s+you\s+got|got\s+any|which|what)\b"
    r"|\bin\s+(?:the|your)\s+(?:catalogue|catalog|shop|store|collection)\b|^(?:有没有|帮我找|帮我搜|找找|找一|搜)|有哪些|哪些|有什么片",
    re.I,
)
PERSONAL = re.compile(
    r"\b(?:recommend\w*|suggest\w*|recs?|picks?|should\s+i|for\s+(?:me|us|tonight)|tonight|my\s+taste)\b|推荐|推几|适合我|我的口味|今晚",
    re.I,
)


# ---- the routes ---------------------------------------------------------------------------------
def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


WHY_NOT = [
    _re(
        r"^(?:but\s+|and\s+|so\s+)?(?:why\s+(?:not|no)|how\s+come\s+(?:not|no)|why\s+(?:isn'?t|is\s+not|wasn'?t|was\s+not|aren'?t)"
        r"|(?:why|how\s+come)\s+(?:didn'?t|did\s+not|don'?t|do\s+not|won'?t|wouldn'?t)\s+(?:you|u)\s+(?:recomm?end|suggest|include|pick|show|list|choose)(?:\s+me)?|y\s+no"
        r"|why\s+(?:no|is\s+there\s+no)|how\s+come\s+(?:there'?s|there\s+is)\s+no|why\s+(?:is|was)\s+there\s+no)\s+(?P<x>.+?)(?:\s+(?:recommended|suggested|included|listed|there|here|on\s+(?:the|my)\s+list|in\s+(?:the|my)\s+list|for\s+me))?$"
    ),
    _re(r"^(?:那|但是|可是)?(?:为什么|为啥|为何|怎么)(?:不|没|没有)(?:给我)?(?:推荐|选|包括|列出|推)?(?P<x>.+?)$"),
    _re(r"^(?P<x>.+?)(?:为什么|为啥|怎么)(?:不|没|没有)(?:被)?(?:推荐|在列表里|入选|在里面|在里头|出现|有)"),
    _re(
        r"^why\s+(?:is|was)\s+(?P<x>.+?)\s+(?:missing|absent|left\s+out|not\s+(?:there|here|on\s+the\s+list|included|recommended))$"
    ),
    _re(
        r"^(?P<x>.+?)\s+(?:is\s*n'?t|is\s+not|was\s*n'?t|was\s+not)\s+(?:there|here|on\s+the\s+list|recommended|included)\b[\s,.;:-]*why$"
    ),
]
EXPLAIN_POS = [
    _re(
        rf"^(?:and\s+|so\s+)?(?:why|how\s+come|explain)(?:\s+(?:did|do|would)\s+(?:you|u)\s+(?:recomm?end|suggest|pick|choose|include|show))?(?:\s+(?:is|was|recommend|the\s+reason\s+for))?\s+(?P<pos>{POS})(?:\s+(?:there|here|recommended|suggested|on\s+the\s+list|for\s+me))*$"
    ),
    _re(rf"^(?:tell\s+me\s+(?:more\s+)?about|more\s+about|explain|what'?s\s+(?:good\s+)?about)\s+(?P<pos>{POS})$"),
    _re(rf"^(?:what'?s|what\s+is)\s+the\s+reason\s+(?:for|behind)\s+(?P<pos>{POS})$"),
    _re(rf"^why\s+(?:did|does|is|was)\s+(?P<pos>{POS})\s+(?:make|get|land|end\s+up|appear|on|in|at|there|here).*$"),
    _re(rf"^(?:为什么|为啥|为何)(?:把|将|要把)?(?P<pos>{ZH_POS})(?!.*(?:不|没)).*$"),
    _re(rf"^(?:说说|讲讲|解释一下|解释|介绍一下)(?P<pos>{ZH_POS})(?:的理由|的原因|的推荐理由|为什么.*)?$"),
    _re(rf"^(?:那)?(?:为什么|为啥|为何)(?:要|会)?(?:推荐|选|是|给我推荐|推)?(?P<pos>{ZH_POS})(?:呢)?$"),
    _re(
        rf"^(?P<pos>{ZH_POS})(?:为什么|是为什么|为啥|凭什么|怎么)(?:会)?(?:推荐|被推荐|适合|入选|排在|给我|好|值得).*$"
    ),
    _re(rf"^(?P<pos>{ZH_POS})(?:为什么|是为什么|为啥)$"),
    _re(
        rf"^(?:why|how\s+come|what\s+makes)\s+(?P<pos>{POS})\s+(?:a\s+good\s+(?:fit|match|pick)|right|good|suitable|recommended).*$"
    ),
    _re(rf"^(?:解释一下|说说|讲讲)(?P<pos>{ZH_POS})$"),
]
FOLLOW_POS = [
    _re(rf"^(?:and|what\s+about|how\s+about|and\s+what\s+about)?\s*(?P<pos>{POS})$"),
    _re(rf"^(?:那|还有)?(?P<pos>{ZH_POS})呢$"),
]
EXPLAIN_TITLE = [
    _re(
        r"^(?:why|how\s+come)\s+(?:(?:did|do|would)\s+)?you\s+(?:recommend|suggest|pick|picked|choose|chose|include|included|recommended|suggested)\s+(?P<x>.+)$"
    ),
    _re(
        r"^why\s+(?:is|was)\s+(?P<x>.+?)\s+(?:recommended|suggested|on\s+(?:the|my)\s+list|there|here|included|first|top)$"
    ),
    _re(r"^(?:explain|why)\s+(?P<x>.+)$"),
    _re(
        r"^(?:why|how\s+come|what\s+makes)\s+(?P<x>.+?)\s+(?:a\s+good\s+(?:fit|match|pick|choice)|right|suitable)\b.*$"
    ),
    _re(r"^(?:为什么|为啥|为何)(?:要|会)?(?:推荐|给我推荐|选)(?P<x>.+)$"),
]
WHAT_IF = [
    (
        _re(
            r"^(?:what\s+if|suppose|imagine|pretend|say|and\s+if|if)\s+i\s*(?:had\s*n'?t|had\s+not|had\s+never|'d\s+never|'d\s+not|did\s*n'?t|did\s+not|never|have\s*n'?t|have\s+not)(?:\s+ever)?\s+"
            r"(?:seen|watched|rated|bought|chosen|saw|watch|see|rate|buy|liked|like|choose|picked)\s+(?P<x>.+?)(?:\s*[-–—,;:]\s+.*|\s+(?:would|will|what|how)\b.*)?$"
        ),
        "remove",
    ),
    (
        _re(
            r"^(?:what\s+)?if\s+i\s+(?:took|take|left|leave)\s+(?P<x>.+?)\s+out\s+of\s+my\s+(?:history|ratings|list).*$"
        ),
        "remove",
    ),
    (
        _re(
            r"^(?:what\s+)?if\s+i\s+(?:remove|removed|drop|dropped|delete|deleted|take\s+out|took\s+out|erase|erased)\s+(?P<x>.+?)\s+from\s+(?:my|what|the\s+list).*$"
        ),
        "remove",
    ),
    (
        _re(
            r"^.*?\bif\s+i\s+(?:had\s*n'?t|had\s+not|did\s*n'?t|did\s+not|never|have\s*n'?t|have\s+not)(?:\s+ever)?\s+"
            r"(?:seen|watched|rated|bought|chosen|saw|watch|see|rate|buy|picked)\s+(?P<x>.+)$"
        ),
        "remove",
    ),
    (
        _re(
            r"^(?:forget|ignore|remove|drop|take\s+out)\s+(?:that\s+i\s+(?:watched|saw|rated)\s+)?(?P<x>.+?)(?:\s+from\s+my\s+history)?$"
        ),
        "remove",
    ),
    (
        _re(
            r"^(?:how\s+)?(?:would|will|does|do)\s+(?:my\s+)?(?:list|recommendations|suggestions|picks|it)\s+(?:change|look|be\s+different)\s+without\s+(?P<x>.+)$"
        ),
        "remove",
    ),
    (_re(r"^(?:去掉|去除|删掉|不算|拿掉)(?P<x>.+?)(?:之后|以后|后|的话).*$"), "remove"),
    (
        _re(
            r"^(?:what\s+if|suppose|imagine|pretend)\s+(?P<x>.+?)\s+(?:wasn'?t|were\s*n'?t|was\s+not|is\s*n'?t)\s+in\s+my\s+history$"
        ),
        "remove",
    ),
    (
        _re(
            r"^(?:what\s+if|suppose|imagine|pretend)\s+i\s+(?:had\s+)?(?:seen|watched|rated|liked|loved|saw|watch|like|bought)\s+(?P<x>.+)$"
        ),
        "add",
    ),
    (
        _re(
            r"^(?:如果|假如|要是|假设|若是|那如果)我?(?:没有?|从没|从来没|没)(?:有)?(?:看过|看|评过分|评过|买过|选过|看了)(?P<x>.+?)(?:[，,]?(?:会怎样|会怎么样|会如何|会有什么变化|推荐会变吗|推荐会怎么变|的话))*$"
        ),
        "remove",
    ),
    (
        _re(
            r"^(?:如果|假如|要是|假设)我(?:也|还)?(?:很|非常|特别|超)?(?:看过|看了|喜欢|爱|买过)(?P<x>.+?)(?:的话)?(?:(?:而且|并且|还|又|[，,]).*|会怎样|会怎么样|会如何)?$"
        ),
        "add",
    ),
    (
        _re(r"^(?:就当|当作|就算|假装|假设)我(?:从没|从来没|没)(?:有)?(?:看过|看)(?P<x>.+?)(?:吧)?(?:[，,].*)?$"),
        "remove",
    ),
    (_re(r"^(?:如果|假如|要是|假设)?(?:把|将)(?P<x>.+?)从我的.*?(?:去掉|删掉|拿掉|删除|移除).*$"), "remove"),
    (
        _re(
            r"^(?:what\s+if|if|suppose)\s+(?:you\s+)?(?:ignored|ignore|removed|remove|left\s+out|dropped|took\s+out)\s+(?P<x>.+?)"
            r"(?:\s+(?:in|from)\s+my\s+(?:history|list|ratings))?(?:,.*)?$"
        ),
        "remove",
    ),
]
RECOMMEND_ASK = re.compile(
    r"\b(?:recommend|suggest)\s+(?:me\s+)?(?:some|a\s+few|more|\d+|a\s+couple)\b|\bbased\s+on\s+my\s+(?:tastes?|history|ratings)\b.{0,30}\b(?:recommend|suggest|give|show)|(?:再|给我)?推荐(?:几|一些|点|[一二两三四五六七八九十\d])|推几部|来几部",
    re.I,
)
PROFILE = _re(
    r"what\s+do\s+you\s+know\s+(?:about|of)\s+me|(?:which|what)\s+(?:movies?|films?|titles?)\s+(?:have\s+i|did\s+i)\s+(?:rated?|watched|seen)|have\s+i\s+rated\s+so\s+far|我(?:之前|以前)?(?:都)?(?:评|打分|评分|看)过(?:了)?哪些|我(?:都)?给哪些|what\s+you\s+know\s+about\s+me|my\s+profile|what\s+have\s+i\s+(?:watched|rated|seen|liked)"
    r"|\bmy\s+(?:tastes?|history|preferences)\b|what\s+do\s+i\s+(?:like|usually\s+like)|how\s+well\s+do\s+you\s+know\s+me|what\s+data\s+do\s+you\s+(?:have|use|keep)"
    r"|what\s+information\s+do\s+you\s+have|which\s+of\s+my\s+(?:ratings|data|history|items)|\bmy\s+(?:viewing|watch|rating)\s+history\b|what\s+(?:kind|sort|type)s?\s+of\s+(?:movies?|films?|things|items)\s+do\s+i\s+(?:like|enjoy|prefer)"
    r"|\bmy\s+data\b|what\s+(?:kind|sort)\s+of\s+viewer\s+am\s+i|what\s+(?:kind|sort|type)\s+of\s+(?:viewer|person|watcher|movie\s+fan|customer)\s+(?:do\s+you\s+think\s+)?(?:i\s+am|am\s+i)|我喜欢什么(?:类型|样的|电影)|你觉得我(?:喜欢|爱看)什么|你知道我喜欢什么|你(?:存|保存|记录)了我|我(?:的)?哪些(?:数据|信息)|我的(?:观影|看片)(?:偏好|口味|喜好|记录|历史)|你用了我的哪些数据|我的哪些数据|关于我的数据|你怎么知道我喜欢|你对我了解多少|你了解我什么|你知道我什么|你知道关于我的|我的(?:资料|档案|喜好|口味|偏好|历史|记录)|你对我知道多少|你都知道我|我的口味|你了解我吗|你有我的什么"
)
FEEDBACK = [
    (_re(r"^(?:i'?m\s+|i\s+am\s+)?not\s+interested(?:\s+in)?\s*(?P<x>.*)$"), "not_interested"),
    (
        _re(
            r"^(?:please\s+)?(?:don'?t|do\s+not|never)\s+(?:show|recommend|suggest)\s+(?:me\s+)?(?P<x>.+?)(?:\s+again|\s+anymore)?$"
        ),
        "not_interested",
    ),
    (
        _re(r"^i\s+(?:really\s+)?(?:didn'?t|did\s+not|don'?t|do\s+not)\s+(?:like|enjoy|love|care\s+for)\s+(?P<x>.+)$"),
        "disliked",
    ),
    (_re(r"^i\s+(?:really\s+)?(?:hated|disliked|hate|dislike)\s+(?P<x>.+)$"), "disliked"),
    (_re(r"^i\s+(?:really\s+)?(?:liked|loved|enjoyed|like|love|adored|adore)\s+(?P<x>.+)$"), "liked"),
    (_re(r"^(?:really\s+|great\s+pick[,!.]?\s+i\s+)?(?:loved|liked|enjoyed|adored)\s+(?P<x>.+)$"), "liked"),
    (
        _re(
            r"^(?P<x>.+?)\s+(?:is\s*n'?t|is\s+not|was\s*n'?t|was\s+not)\s+(?:for\s+me|my\s+thing|my\s+cup\s+of\s+tea)$"
        ),
        "disliked",
    ),
    (_re(r"^(?:i\s+already\s+know\s+)?i\s+(?:don'?t|do\s+not|didn'?t)\s+like\s+(?P<x>.+)$"), "disliked"),
    (_re(r"^(?:对)?(?P<x>.*?)(?:我)?(?:不感兴趣|没兴趣)$"), "not_interested"),
    (_re(r"^(?:我看过)?(?P<x>.+?)[，,]?(?:我)?(?:不太|不怎么|不)喜欢$"), "disliked"),
    (_re(r"^(?P<x>.+?)我(?:很|非常|真的|挺|超)?喜欢$"), "liked"),
    (_re(r"^(?:别再|不要再|以后别)(?:推荐|给我推荐|推)(?P<x>.+?)(?:了)?$"), "not_interested"),
    (_re(r"^我(?:不太|不怎么|不)喜欢(?P<x>.+)$"), "disliked"),
    (_re(r"^我(?:讨厌)(?P<x>.+)$"), "disliked"),
    (_re(r"^我(?:很|非常|真的|挺|超)?(?:喜欢|爱看|爱)(?P<x>.+)$"), "liked"),
]
# "<title>超好看" / "<title>看过了，一般般": feedback only when the text names a title on the list shown
FEEDBACK_SHOWN = [
    (_re(r"^(?P<x>.+?)(?:超|很|真|太|挺|非常)?(?:好看|精彩|棒|赞)(?:了|啊|呀)?$"), "liked"),
    (
        _re(
            r"^(?P<x>.+?)(?:看过了|看了|看过)?[，,\s]*(?:一般般|一般|不怎么样|没意思|很无聊|太无聊|无聊|难看)(?:了|啊)?$"
        ),
        "disliked",
    ),
]
SIMILAR = [
    _re(
        r"^(?:stuff|something|anything|movies?|films?)\s+(?:that'?s|thats|that\s+is|that\s+are)\s+(?:like|similar\s+to)\s+(?P<x>.+?)(?:\s+but\b.*)?$"
    ),
    _re(
        r"^(?:帮我)?(?:找|推荐|来)(?:几部|一些|点)?(?:风格|感觉|类型)?(?:跟|和|与)(?P<x>.+?)(?:很像|相像|相似|类似|差不多|一样)的(?:电影|片子|片)?$"
    ),
    _re(
        r"^(?:(?:show|give|find|recommend|suggest|i\s+want|i'?d\s+like|i\s+need)\s+(?:me\s+)?)?(?:some(?:thing)?\s+|any(?:thing)?\s+|more\s+|other\s+)?(?:movies?|films?|items?|ones?|titles?|stuff)?\s*(?:like|similar\s+to|in\s+the\s+vein\s+of|along\s+the\s+lines\s+of|in\s+the\s+style\s+of|the\s+same\s+kind\s+as|in\s+the\s+same\s+vein\s+as|resembling|reminiscent\s+of|close\s+to)\s+(?P<x>.+)$"
    ),
    _re(
        r"^(?:could|can|would)\s+you\s+(?:find|show|give|recommend|suggest)\s+(?:me\s+)?(?:some\s+|any\s+|more\s+|other\s+)?(?:movies?|films?|ones?|titles?)?\s*(?:like|similar\s+to|in\s+the\s+(?:same\s+)?vein\s+(?:as|of))\s+(?P<x>.+)$"
    ),
    _re(r"^(?:what(?:'s|\s+is|\s+are)\s+)?(?:similar\s+to|like)\s+(?P<x>.+)$"),
    _re(
        r"^(?:有没有|推荐|多来点|再多来点|多来几部|多推荐|来点|找|给我|再来|再推荐|想看|想要)?(?:一些|几部|点)?(?:类似|像|和|跟)(?P<x>.+?)(?:一样|差不多|类似|相似|相近|那样|那种|这样)?(?:感觉|风格|类型)?的(?:电影|片子|东西|片)?(?:推荐|来)?(?:几部|一些|点)?(?:还有吗|有吗|吗|呢)?$"
    ),
]
SEARCH = [
    _re(
        r"^(?:find|search(?:\s+for)?|look\s+(?:for|up)|i'?m\s+looking\s+for|looking\s+for)(?:\s*:\s*|\s+)(?:me\s+)?(?P<x>.+)$"
    ),
    _re(
        r"^(?:which|what)\s+(?:movies?|films?|titles?)\s+(?:have|has|feature|features|show|are\s+about|is\s+about|involve)\s+(?P<x>.+?)(?:\s+in\s+(?:them|it))?$"
    ),
    _re(
        r"^(?:有没有|有什么|有)(?:一部|几部)?(?:电影|片子)?(?:是)?(?:讲|关于|以)(?P<x>.+?)(?:为背景)?的?(?:电影|片子|片|爱情片|喜剧|动作片)?(?:吗|呢)?$"
    ),
    _re(r"^(?:有没有|有什么|有)(?P<x>.+?)题材的(?:电影|片子|片)(?:吗|呢)?$"),
    _re(
        r"^(?:(?:are\s+there|is\s+there|have\s+you\s+got|you\s+got|do\s+you\s+have|got|i\s+want|i'?d\s+like|i\s+need|i'?m\s+in\s+the\s+mood\s+for)\s+)?(?:any|some|a|an)?\s*(?:movies?|films?|something|anything|items?)\s+(?:in\s+(?:the|your)\s+(?:catalogue|catalog|shop|store|collection)\s+)?(?:about|with|where|set\s+in|featuring)\s+(?P<x>.+)$"
    ),
    _re(
        r"^(?:帮我|给我|我想|我要|想)?(?:找|搜索|搜|查找|查一下|找一下)(?:一下)?(?:那种|一部|几部)?(?:关于|讲)?(?P<x>.+?)$"
    ),
    _re(r"^(?:有没有|有什么|有)(?:关于|讲|描写|讲述)(?P<x>.+?)(?:的电影|的片子|的片)?(?:吗|呢)?$"),
]


GENRE_ASK = re.compile(
    r"^(?:only|just|some|more|any|i want|i'?d like)?\s*(?P<g>.+?)\s*(?:movies?|films?|ones?|please|pls)?$"
    r"|^(?:只要|只看|来点|来些|来几部|想看)(?P<zg>.+?)(?:电影|片子|吧)?$",
    re.I,
)
ANSWER = re.compile(
    r"^(?:hi|hello|hey|good (?:morning|evening|afternoon)|thanks?(?: you)?(?: so much| a lot)?|thank you"
    r"|cheers|bye|goodbye"
    r"|who are you|who (?:made|built|created) you|what are you|what can you do|how do you work"
    r"|how does (?:this|it) work|are you (?:a |an )?(?:robot|bot|human|ai|person)|help)\b"
    r"(?:[\s,!.]+(?:that'?s|it'?s|this is|very|so)?\s*(?:helpful|great|nice|useful|good))?$"
    r"|^(?:(?:ok|okay|thanks?|thank\s+you|cool|great|nice|perfect)[,!.\s]+)*(?:that'?s\s+all|that'?s\s+it|i'?m\s+done|nothing\s+else)(?:\s+for\s+(?:now|today))?$"
    r"|^(?:nice|great|cool|perfect|awesome|ok|okay)[,!.\s]+(?:thanks?|thank\s+you)(?:\s+(?:so\s+much|a\s+lot))?$"
    r"|^(?:(?:lol|haha+|hah|heh|lmao|ok|okay|kk?|cool|nice|great|sure|alright|got\s+it|i\s+see|fair\s+enough|sounds\s+good|good\s+to\s+know|noted)[,!.\s]*){1,3}$"
    r"|^(?:好的?|好吧|行吧?|嗯+|哈哈+|知道了|明白了?|了解|收到|ok)(?:[，,。!！\s]*(?:好的?|好吧|行|嗯+|哈哈+|知道了|谢谢|ok))*$"
    r"|^(?:你好|您好|嗨|哈喽|你是(?:机器人|真人|人|ai|AI)|你是什么模型|你用的什么模型|早上好|晚上好|下午好|谢谢|多谢|感谢|再见|你是谁|你能做什么|你会什么|帮助|这个怎么用|怎么用)",
    re.I,
)


# not about the shop: weather, tickets, the model's make; the assistant says what it can do instead
OUT_OF_SCOPE = re.compile(
    r"\bweather\b(?!.*\b(?:movies?|films?)\b)|\b(?:book|buy|reserve|order)\b.{0,30}\btickets?\b|\bare\s+(?:you|u)\s+(?:chat\s*gpt|gpt|openai|claude)\b"
    r"|\bwhat\s+(?:model|llm)\s+are\s+you\b|\bwho\s+(?:built|made|created|trained)\s+(?:you|u)\b|^(?:明天|今天|后天)?天气|订票|买票|帮我订"
    r"|\b(?:write|draft|compose|code)\s+(?:me\s+)?(?:a|an|some|my)\s+(?:\w+\s+){0,2}(?:script|program|code|function|essay|poem|email|letter|story|homework|cover\s+letter)\b"
    r"|\b(?:solve|do)\s+my\s+(?:homework|math|maths)\b|\b(?:translate|summari[sz]e)\s+(?:this|the\s+following)\b"
    r"|(?:帮我|给我)?写(?:一篇|一首|一封|一段|个|段)?(?:关于.{0,12})?(?:作文|诗|代码|程序|文章|邮件|信|作业|脚本)|做(?:我的)?作业|翻译一下",
    re.I,
)
PROFILE_GENRE = re.compile(
    r"^why\s+do\s+you\s+think\s+i\s+(?:like|love|enjoy|prefer)\s+(?P<x>.+)$|^你(?:为什么|为啥|怎么)(?:觉得|认为|知道)我(?:喜欢|爱看)(?P<zx>.+)$",
    re.I,
)
FILLER = re.compile(
    r"^(?:hypothetically|just\s+curious|out\s+of\s+curiosity|i'?m\s+curious|quick\s+question|question|just\s+so\s+you\s+know|fyi|btw|by\s+the\s+way)[,:\s]+",
    re.I,
)

OTHER_INTENT = re.compile(
    r"\b(?:why|how\s+come|reason|similar|resembl\w*|close\s+to|like\s+(?:the\s+)?[A-Z0-9\"'“]|about|missing|left\s+out)\b"
    r"|为什么|为啥|为何|凭什么|原因|理由|像|类似|差不多|相似|关于|题材|讲",
    re.I,
)
