"""Ten policy questions (five Chinese, five English) over REST: right document cited, right language."""

from __future__ import annotations

import pytest

from bot.launch.pilot import Servers
from tests.e2e.conftest import CJK, citations_of, is_chinese, say, text_of

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

QUESTIONS = [
    ("zh", "有人在直播间卖我们品牌的假货，怎么举报", {"how-to-report-infringement", "trademark-enforcement"}),
    ("zh", "专利纠纷调解成功后协议怎么才能强制执行", {"how-to-request-mediation", "patent-mediation"}),
    ("zh", "员工辞职把公司的技术资料带走了怎么办", {"trade-secret-protection"}),
    (
        "zh",
        "中以创新园的维权援助工作站能帮外资企业做什么",
        {"sino-israel-workstation", "foreign-related-protection"},
    ),
    ("zh", "地理标志产品会被抽查吗", {"geographical-indications"}),
    (
        "en",
        "what evidence do I need to report a counterfeit of our trademark",
        {"how-to-report-infringement"},
    ),
    (
        "en",
        "how do I apply for mediation of a patent dispute",
        {"how-to-request-mediation", "patent-mediation"},
    ),
    (
        "en",
        "our company is being sued for infringement in another country, what should we do",
        {"overseas-disputes"},
    ),
    ("en", "how are online marketplaces monitored for IP infringement", {"ecommerce-platforms"}),
    ("en", "what is the sell genuine brands and genuine goods commitment", {"standardized-markets"}),
]


@pytest.mark.parametrize(("lang", "question", "expected"), QUESTIONS, ids=[q for _, q, _ in QUESTIONS])
def test_policy_question_is_answered_with_a_citation_in_the_users_language(
    servers: Servers, lang: str, question: str, expected: set
) -> None:
    replies = say(servers, f"kb-{abs(hash(question))}", question)
    citations = citations_of(replies)
    assert citations, text_of(replies)
    assert citations[0]["doc_id"] in expected
    assert citations[0]["lang"] == lang and citations[0]["source"]
    text = text_of(replies)
    if lang == "zh":
        assert is_chinese(text) and "来源：" in text
    else:
        assert "Source:" in text and not CJK.search(text.split("Source:")[0].split("\n", 1)[0])


@pytest.mark.parametrize("question", ["明天上海会下雨吗", "recommend a good hotpot restaurant"])
def test_questions_outside_the_plan_get_no_passage(servers: Servers, question: str) -> None:
    replies = say(servers, f"oos-{abs(hash(question))}", question)
    assert citations_of(replies) == []
    assert "Sorry" in text_of(replies) or "抱歉" in text_of(replies)


@pytest.mark.parametrize(
    ("lang", "question"), [("zh", "商标被人仿冒了怎么办"), ("en", "someone is copying our brand, what now?")]
)
def test_a_question_split_between_documents_offers_them_and_a_choice_is_answered(
    servers: Servers, lang: str, question: str
) -> None:
    """No document answers clearly (the probability is shared): no passage, but the closest documents'
    titles as buttons; choosing one is answered from that document, in the same language."""
    sender = f"related-{lang}"
    replies = say(servers, sender, question)
    assert citations_of(replies) == []
    offered = [b for r in replies for b in r.get("buttons") or [] if not b["payload"].startswith("/")]
    assert offered, text_of(replies)
    assert is_chinese(offered[0]["title"]) == (lang == "zh")
    chosen = say(servers, sender, offered[0]["payload"])
    citations = citations_of(chosen)
    assert citations and citations[0]["title"] == offered[0]["title"] and citations[0]["lang"] == lang


def test_small_talk_after_an_answer_gets_no_passage_of_that_answer(servers: Servers) -> None:
    """Read with the previous question, small talk would find the previous answer's document."""
    sender = "small-talk-after-an-answer"
    assert citations_of(
        say(servers, sender, "what evidence do I need to report a counterfeit of our trademark")
    )
    for text in ("tell me a joke", "what's the weather like today?"):
        replies = say(servers, sender, text)
        assert citations_of(replies) == [], text_of(replies)
    follow_up = say(servers, sender, "and what should the photos show?")  # the conversation goes on
    assert citations_of(follow_up) and citations_of(follow_up)[0]["doc_id"] == "how-to-report-infringement"
