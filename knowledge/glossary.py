"""A bilingual glossary of IP-protection terms that lets the lexical index cross languages.

The embedding model is weak from an English question to a Chinese-only passage (DESIGN §4), and BM25 sees no
shared term at all. Expanding an English query with the Chinese terms of this glossary (and a Chinese query
with the English ones) lets words match across languages. Entries are plain domain terminology.
"""

from __future__ import annotations

import re
from typing import Dict, List, Tuple

from bilingual import CJK, cjk_count
from knowledge.stop_words import EN_STOP

# (English term or phrase, Chinese terms). English is matched on whole words, lowercased.
TERMS: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("intellectual property", ("知识产权",)),
    ("ip", ("知识产权",)),
    ("trademark", ("商标",)),
    ("trade mark", ("商标",)),
    ("brand", ("商标", "品牌")),
    ("logo", ("商标", "标识")),
    ("patent", ("专利",)),
    ("copyright", ("著作权", "版权")),
    ("trade secret", ("商业秘密",)),
    ("confidential", ("保密", "商业秘密")),
    ("secret", ("秘密", "保密")),
    ("leak", ("泄密", "泄露")),
    ("employee", ("员工",)),
    ("staff", ("员工",)),
    ("customer list", ("客户名单",)),
    ("client list", ("客户名单",)),
    ("source code", ("源代码", "技术资料")),
    ("technical data", ("技术资料", "技术秘密")),
    ("technology", ("技术",)),
    ("competitor", ("竞争对手",)),
    ("counterfeit", ("假冒", "假货")),
    ("fake", ("假冒", "假货")),
    ("knock-off", ("假冒", "山寨")),
    ("knockoff", ("假冒", "山寨")),
    ("imitation", ("仿冒",)),
    ("genuine", ("真品", "正品")),
    ("infringement", ("侵权",)),
    ("infringe", ("侵权",)),
    ("infringing", ("侵权",)),
    ("report", ("举报", "投诉")),
    ("complaint", ("投诉",)),
    ("complain", ("投诉",)),
    ("evidence", ("证据",)),
    ("proof", ("证据", "凭证")),
    ("receipt", ("凭证", "发票")),
    ("certificate", ("证书", "注册证")),
    ("registration", ("注册",)),
    ("register", ("注册",)),
    ("mediation", ("调解",)),
    ("mediate", ("调解",)),
    ("mediator", ("调解",)),
    ("dispute", ("纠纷",)),
    ("agreement", ("协议",)),
    ("settlement", ("调解", "和解")),
    ("judicial confirmation", ("司法确认",)),
    ("court", ("法院",)),
    ("enforce", ("执行", "强制执行")),
    ("enforcement", ("执法", "执行")),
    ("lawsuit", ("诉讼", "被诉")),
    ("sued", ("被诉", "诉讼")),
    ("sue", ("起诉", "诉讼")),
    ("adjudication", ("裁决",)),
    ("standard", ("标准",)),
    ("judgment", ("判断",)),
    ("guide", ("指南", "指导")),
    ("guidance", ("指导",)),
    ("overseas", ("海外", "境外")),
    ("abroad", ("海外", "境外")),
    ("foreign", ("涉外", "外商", "境外")),
    ("foreign-invested", ("外商投资",)),
    ("foreign invested", ("外商投资",)),
    ("customs", ("海关",)),
    ("seized", ("扣留", "海关")),
    ("detained", ("扣留",)),
    ("import", ("进口",)),
    ("export", ("出口",)),
    ("workstation", ("工作站",)),
    ("assistance", ("援助",)),
    ("help", ("援助", "帮助")),
    ("rights protection", ("维权",)),
    ("sino-israel", ("中以",)),
    ("israel", ("中以",)),
    ("innovation park", ("创新园",)),
    ("park", ("园区",)),
    ("geographical indication", ("地理标志",)),
    ("gi", ("地理标志",)),
    ("seasonal", ("应季",)),
    ("festival", ("节日",)),
    ("inspection", ("检查",)),
    ("inspect", ("检查",)),
    ("random", ("双随机",)),
    ("e-commerce", ("电子商务", "电商")),
    ("ecommerce", ("电子商务", "电商")),
    ("online", ("网络", "线上")),
    ("platform", ("平台",)),
    ("seller", ("经营者", "商家")),
    ("shop", ("店", "网店")),
    ("livestream", ("直播带货", "直播")),
    ("live streaming", ("直播带货", "直播")),
    ("wechat", ("微店", "微商")),
    ("monitoring", ("监测",)),
    ("oem", ("定牌加工",)),
    ("original equipment", ("定牌加工",)),
    ("processing", ("加工",)),
    ("printing", ("印制",)),
    ("manufacturing", ("生产制造",)),
    ("retail", ("零售",)),
    ("well-known", ("驰名",)),
    ("repeat", ("重复侵权",)),
    ("malicious", ("恶意",)),
    ("squatting", ("恶意注册", "抢注")),
    ("squatter", ("恶意注册", "抢注")),
    ("abnormal", ("非正常",)),
    ("credit", ("信用",)),
    ("import expo", ("进博会",)),
    ("ciie", ("进博会",)),
    ("expo", ("进博会",)),
    ("asian games", ("亚运会",)),
    ("universiade", ("大运会", "世界大学生")),
    ("special mark", ("特殊标志",)),
    ("children", ("儿童",)),
    ("market", ("市场",)),
    ("commitment", ("承诺",)),
    ("changzhou", ("常州",)),
    ("yangtze river delta", ("长三角",)),
    ("criminal", ("刑事", "行刑衔接")),
    ("police", ("公安",)),
    ("cross-region", ("跨区域",)),
    ("cooperation", ("协作", "合作")),
    ("demonstration zone", ("示范区",)),
    ("university", ("高校",)),
    ("world ip day", ("世界知识产权日",)),
    ("publicity", ("宣传",)),
    ("brand day", ("中国品牌日",)),
    ("training", ("培训",)),
    ("joint conference", ("联席会议",)),
    ("big data", ("大数据",)),
    ("artificial intelligence", ("人工智能",)),
    ("ai", ("人工智能",)),
    ("gene", ("基因",)),
    ("network", ("一张网",)),
    ("one thing", ("一件事",)),
    ("one-stop", ("一件事",)),
    ("hotline", ("热线", "12315")),
)


_EN_PATTERNS = [
    (re.compile(rf"(?<![a-z]){re.escape(en)}(?:s|es|ed|ing)?(?![a-z])"), en, zh) for en, zh in TERMS
]
_ZH_TO_EN: Dict[str, List[str]] = {}
for _en, _zhs in TERMS:
    for _zh in _zhs:
        _ZH_TO_EN.setdefault(_zh, []).append(_en)


_EN_WORD = re.compile(r"[a-z0-9]+")


def english_to_chinese(text: str) -> Tuple[List[str], float]:
    """Chinese terms for the English glossary terms in ``text``, and the share of its words they cover."""
    lowered = text.lower()
    found: List[str] = []
    covered = [False] * len(lowered)
    for pattern, _en, zh in _EN_PATTERNS:
        for match in pattern.finditer(lowered):
            found.extend(zh)
            covered[match.start() : match.end()] = [True] * (match.end() - match.start())
    words = [m for m in _EN_WORD.finditer(lowered) if m.group() not in EN_STOP]
    share = sum(covered[m.start()] for m in words) / len(words) if words else 0.0
    return found, share


def chinese_to_english(text: str) -> Tuple[List[str], float]:
    """English terms for the Chinese glossary terms in ``text``, and the share of its characters covered."""
    found: List[str] = []
    covered = [False] * len(text)
    for zh, ens in _ZH_TO_EN.items():
        start = text.find(zh)
        while start >= 0:
            found.extend(ens)
            covered[start : start + len(zh)] = [True] * len(zh)
            start = text.find(zh, start + 1)
    chars = [i for i, ch in enumerate(text) if CJK.match(ch)]
    share = sum(covered[i] for i in chars) / len(chars) if chars else 0.0
    return found, share


def expand(text: str) -> Tuple[List[str], float]:
    """Terms of the other language for a query, and how much of the query they account for (0–1)."""
    zh_terms, en_share = english_to_chinese(text)
    en_terms, zh_share = chinese_to_english(text)
    english_words = len([m for m in _EN_WORD.finditer(text.lower()) if m.group() not in EN_STOP])
    share = en_share if english_words >= cjk_count(text) / 2 else zh_share
    return zh_terms + en_terms, share


def chinese_terms() -> List[str]:
    """Every Chinese term of the glossary."""
    return list(_ZH_TO_EN)


def english_terms() -> List[str]:
    """Every English term of the glossary."""
    return [en for en, _ in TERMS]
