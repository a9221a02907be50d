"""Shared fixtures: the real embedding model (built by `make model`) and a small bilingual corpus."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Dict

import pytest

from knowledge.embedding import Embedder
from knowledge.settings import get_settings

MODEL_DIR = get_settings().default_model_dir


@pytest.fixture(scope="session")
def model_dir() -> str:
    if not (MODEL_DIR / "modules.json").is_file():
        pytest.fail(f"no embedding model in {MODEL_DIR}: run 'make model'")
    return str(MODEL_DIR)


@pytest.fixture(scope="session")
def embedder(model_dir: str) -> Embedder:
    return Embedder(model_dir)


def write_doc(root: Path, lang: str, doc_id: str, title: str, body: str, **extra: str) -> Path:
    meta = {
        "id": doc_id,
        "title": title,
        "lang": lang,
        "topics": "[test]",
        "source": "test corpus",
        "updated": "2023-04-13",
        **extra,
    }
    front = "\n".join(f"{k}: {v}" for k, v in meta.items())
    path = root / lang / f"{doc_id}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}\n---\n# {title}\n\n{textwrap.dedent(body).strip()}\n", encoding="utf-8")
    return path


# A small corpus: eight Chinese documents, six English translations. Trade secrets and geographical
# indications exist only in Chinese, so English questions about them must cross languages.
ZH_DOCS: Dict[str, tuple] = {
    "report": (
        "商标侵权举报",
        "发现假冒注册商标的商品，可以向市场监督管理部门举报。举报时应准备商标注册证、侵权商品照片和购买凭证。",
    ),
    "mediation": (
        "专利纠纷行政调解",
        "专利侵权纠纷可以申请行政调解。调解达成的协议可以向人民法院申请司法确认，确认后一方不履行的，另一方可以申请强制执行。",
    ),
    "secrets": (
        "商业秘密保护点",
        "园区设立商业秘密保护点，帮助企业防范员工离职带走技术资料、客户名单等泄密风险。企业应签订保密协议并限制涉密信息的访问。",
    ),
    "gi": ("地理标志保护", "地理标志保护产品纳入双随机检查，节日期间重点检查应季地理标志产品。"),
    "ecommerce": (
        "电子商务平台监管",
        "引导电子商务平台实施知识产权全流程管理，依托第三方技术手段定期开展网络监测，抽查平台内经营者的授权信息。",
    ),
    "expo": (
        "进博会知识产权保护",
        "高标准开展进博会知识产权保护百日行动，做好亚运会、大运会等特殊标志保护。",
    ),
    "overseas": (
        "海外知识产权纠纷应对",
        "完善海外知识产权纠纷应对指导工作机制，帮助企业应对在境外被诉侵权或货物被海关扣留等情况。",
    ),
    "workstation": (
        "中以（上海）创新园维权援助工作站",
        "中以（上海）创新园知识产权维权援助工作站为园区外商投资企业提供维权咨询和援助。",
    ),
}
EN_DOCS: Dict[str, tuple] = {
    "report": (
        "Reporting trademark infringement",
        "If you find goods bearing a counterfeit registered trademark, you can report them to the market regulation authority. Prepare the registration certificate, photos of the goods and proof of purchase.",
    ),
    "mediation": (
        "Administrative mediation of patent disputes",
        "Patent infringement disputes can go to administrative mediation. A mediation agreement can be confirmed by a people's court; if a party then does not perform, the other may apply for enforcement.",
    ),
    "ecommerce": (
        "Supervision of e-commerce platforms",
        "Platforms are guided to manage IP over the whole process; third-party tools monitor the network regularly and the authorisation of in-platform sellers is spot-checked.",
    ),
    "expo": (
        "IP protection at the Import Expo",
        "A 100-day IP protection action is carried out for the China International Import Expo, and the special marks of the Asian Games and the Universiade are protected.",
    ),
    "overseas": (
        "Overseas IP disputes",
        "The mechanism that guides firms through overseas IP disputes is improved, helping firms sued for infringement abroad or whose goods are detained by foreign customs.",
    ),
    "workstation": (
        "The Sino-Israel (Shanghai) Innovation Park workstation",
        "The IP rights-protection assistance workstation at the Sino-Israel (Shanghai) Innovation Park offers foreign-invested firms in the park advice and assistance.",
    ),
}


# Questions each document answers (front matter ``questions:``), as the real documents list them.
QUESTIONS: Dict[str, Dict[str, tuple]] = {
    "zh": {
        "report": ("假冒商标的商品去哪举报", "举报要准备什么材料"),
        "mediation": ("专利纠纷能调解吗", "调解协议有法律效力吗"),
        "secrets": ("员工离职带走技术资料怎么办", "商业秘密保护点能帮企业做什么"),
        "gi": ("地理标志产品会抽查吗", "节日期间查哪些地理标志产品"),
        "ecommerce": ("电商平台上的侵权谁来管", "平台内经营者的授权会被抽查吗"),
        "expo": ("进博会期间有知识产权保护行动吗", "亚运会标志受保护吗"),
        "overseas": ("在国外被起诉侵权怎么办", "货物被外国海关扣了怎么办"),
        "workstation": ("中以创新园的工作站做什么", "外资企业去哪里寻求维权援助"),
    },
    "en": {
        "report": ("where do I report counterfeit trademark goods", "what should I prepare to report a fake"),
        "mediation": ("can a patent dispute be mediated", "is a mediation agreement binding"),
        "ecommerce": ("who supervises IP on e-commerce platforms", "are platform sellers checked"),
        "expo": ("is there IP protection at the Import Expo", "are Asian Games marks protected"),
        "overseas": ("what if we are sued for infringement abroad", "foreign customs detained our goods"),
        "workstation": (
            "what does the Sino-Israel park workstation do",
            "where can foreign firms get IP help",
        ),
    },
}


def questions_field(lang: str, doc_id: str) -> str:
    return "[" + ", ".join(f'"{q}"' for q in QUESTIONS[lang][doc_id]) + "]"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    for doc_id, (title, body) in ZH_DOCS.items():
        write_doc(docs, "zh", doc_id, title, body, questions=questions_field("zh", doc_id))
    for doc_id, (title, body) in EN_DOCS.items():
        write_doc(
            docs, "en", doc_id, title, body, translation_of=doc_id, questions=questions_field("en", doc_id)
        )
    return docs
