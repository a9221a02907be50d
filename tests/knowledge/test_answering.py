"""From question to answer on a real small index: the sentences that answer, follow-ups, boilerplate."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from knowledge import answering, excerpts
from knowledge.answering import Answer, Context, _continues, _held_by_context
from knowledge.base import KnowledgeBase
from knowledge.chunking import Chunk, chunk_document
from knowledge.confidence import ConfidenceModel
from knowledge.documents import load_documents
from knowledge.excerpts import is_boilerplate
from knowledge.followup import is_follow_up_candidate, leans_on_context, refers_back, without_pointers
from knowledge.library import KnowledgeLibrary, LibraryConfig
from knowledge.queries import clean_query
from knowledge.search_result import SearchResult
from tests.knowledge.conftest import write_doc

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]

MEDIATION = (
    "专利侵权纠纷可以向区市场监督管理局申请行政调解。调解以双方自愿为基础，任何一方都可以拒绝调解。"
    "申请时需要提交调解申请书、身份证明和纠纷的基本情况。"
    "调解达成的协议可以向人民法院申请司法确认，确认后一方不履行的，另一方可以申请强制执行。"
)


@pytest.fixture
def base(corpus: Path, model_dir: str, embedder) -> KnowledgeBase:
    write_doc(corpus, "zh", "mediation", "专利纠纷行政调解", MEDIATION)
    library = KnowledgeLibrary(LibraryConfig(corpus, corpus.parent / "index", model_dir), embedder=embedder)
    library.rebuild()
    return KnowledgeBase(corpus.parent / "index", model_dir, embedder=embedder)


def test_the_excerpt_is_the_sentence_that_answers_not_the_passage_opening(base: KnowledgeBase) -> None:
    answer = base.answer("调解协议有没有法律效力？", "zh")
    assert answer.confident and answer.results[0].family == "mediation"
    assert "司法确认" in answer.excerpt.text
    assert not answer.excerpt.text.startswith("专利侵权纠纷可以")
    materials = base.answer("申请调解要交什么材料", "zh")
    assert "调解申请书" in materials.excerpt.text


def test_a_follow_up_is_read_with_the_previous_question(base: KnowledgeBase) -> None:
    first = base.answer("员工离职带走技术资料，园区有什么帮助", "zh")
    assert first.confident and first.results[0].family == "secrets"
    alone = base.answer("那怎么找它帮忙？", "zh")
    follow = base.answer("那怎么找它帮忙？", "zh", first.context)
    assert not (alone.confident and alone.results[0].family == "secrets")
    assert follow.confident and follow.follow_up and follow.results[0].family == "secrets"
    assert follow.context.family == "secrets" and "员工离职" in follow.context.question


def test_a_question_that_stands_alone_keeps_its_own_answer(base: KnowledgeBase) -> None:
    context = Context("员工离职带走技术资料，园区有什么帮助", "secrets")
    answer = base.answer("网上发现假冒我们注册商标的商品去哪里举报", "zh", context)
    assert answer.confident and answer.results[0].family == "report" and not answer.follow_up


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("那需要准备哪些材料？", True),
        ("它在哪里？", True),
        ("And is that agreement binding?", True),
        ("How can my company get help from one?", True),
        ("有没有人能指导一下", True),  # asking words only: 有没有…一下 name nothing
        ("我们园区里有吗？", True),  # "is there one in our park?": what there should be was said before
        ("which ones?", True),
        ("园区里有没有知识产权维权工作站", False),  # says what it asks about
        ("专利侵权纠纷的行政调解需要向哪个部门提出申请", False),
        ("Which authority handles administrative mediation of patent infringement disputes", False),
    ],
)
def test_follow_up_candidates(text: str, expected: bool) -> None:
    assert is_follow_up_candidate(text) is expected


@pytest.mark.parametrize(
    ("text", "points_back", "leans"),
    [
        ("我们园区里有吗？", True, True),  # "is there one in our park?": what there should be was said before
        ("上海有没有", True, True),
        ("which ones?", True, True),
        ("那需要准备哪些材料？", True, True),
        ("要准备什么材料", False, True),  # names almost nothing itself
        ("专利的呢？", False, True),  # short, "and what about…"
        ("how do we apply?", False, True),
        ("有商标侵权的判断标准吗", False, False),  # the thing asked about is named
        ("园区里有没有知识产权维权工作站", False, False),
        ("Are geographical indication products inspected?", False, False),
        ("外资企业遇到商标侵权怎么投诉呢", False, False),  # ends in 呢 but says all it asks
        ("网上发现假冒我们注册商标的商品去哪里举报", False, False),
        ("what documents does a foreign company need to report a counterfeit", False, False),
    ],
)
def test_messages_that_point_back_or_cannot_be_meant_alone(text: str, points_back: bool, leans: bool) -> None:
    assert refers_back(text) is points_back
    assert leans_on_context(text) is leans


def test_a_message_that_names_almost_nothing_stays_with_the_conversation(base: KnowledgeBase) -> None:
    """Alone, "要准备什么材料" finds the reporting document's list of materials; after a question on mediation it asks
    what to bring to the mediation."""
    alone = base.answer("要准备什么材料", "zh")
    assert alone.confident and alone.results[0].family == "report"  # reporting lists what to prepare
    first = base.answer("专利侵权纠纷可以申请行政调解吗", "zh")
    assert first.confident and first.results[0].family == "mediation"
    materials = base.answer("要准备什么材料", "zh", first.context)
    assert materials.follow_up and materials.results[0].family == "mediation"


def test_markup_around_a_question_is_not_searched() -> None:
    assert clean_query("<p>商标侵权&nbsp;怎么<b>举报</b>？</p>") == "商标侵权 怎么 举报？"


@pytest.mark.parametrize(
    ("text", "searched"),
    [
        ("您好！！请问一下，我们的商标被仿冒了去哪里举报？谢谢🙏", "我们的商标被仿冒了去哪里举报？"),
        ("hello，请问商标侵权怎么投诉，急急急", "商标侵权怎么投诉"),
        ("hi there 😊 quick question: how do I report a fake? thanks!!", "how do I report a fake?"),
        ("Good morning. Who mediates patent disputes? Many thanks.", "Who mediates patent disputes?"),
        ("我的电话13812345678，商标被侵权想咨询", "我的电话，商标被侵权想咨询"),
        ("专利号ZL202010123456.7被人仿造了", "专利号 被人仿造了"),
        ("注册号第8765432号的商标被侵权", "注册号 的商标被侵权"),
    ],
)
def test_greetings_thanks_and_the_askers_own_numbers_are_not_searched(text: str, searched: str) -> None:
    assert clean_query(text) == searched


@pytest.mark.parametrize(
    "text",
    [
        "专利法第六十八条管什么",  # an article number names what is asked about
        "2023年的计划里对电商平台有什么要求",
        "12315能投诉吗",  # a hotline is not the asker's own number
        "What is the status of PT-20260415-0077",  # nor is a ticket number
        "2023-04-26那天有什么宣传活动？",  # nor a date
        "被罚了150000元，还能申请复议吗",  # nor an amount
        "how to protect intellectual property",  # "ty" ends a word here, it is no "thank you"
        "谢谢",  # nothing but thanks: read as it came (the NLU answers it)
        "hi",
    ],
)
def test_what_names_the_question_stays(text: str) -> None:
    assert clean_query(text) == text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_document_opens_with_a_chunk_of_boilerplate_only(lang: str) -> None:
    """Every first chunk of the real knowledge base has sentences an answer can be made of."""
    documents = [d for d in load_documents(ROOT / "knowledge" / "docs") if d.lang == lang]
    assert documents
    for document in documents:
        first = chunk_document(document)[0]
        assert "English translation of the Chinese document" not in first.text, document.id
        shown = excerpts.select([first], [0], [0.8], np.zeros(384), lambda row: None, lambda text: 0.0)
        assert any(not is_boilerplate(s) for s in shown.sentences), document.id


def test_a_follow_up_shows_the_sentences_that_answer_it(base: KnowledgeBase) -> None:
    first = base.answer("调解协议有没有法律效力？", "zh")
    follow = base.answer("那需要准备哪些材料？", "zh", first.context)
    assert follow.follow_up and follow.results[0].family == "mediation"
    assert "调解申请书" in follow.excerpt.text


def test_a_new_question_answered_on_its_own_is_not_read_with_the_previous_one(base: KnowledgeBase) -> None:
    first = base.answer("调解协议有没有法律效力？", "zh")
    new = base.answer("园区商业秘密保护点", "zh", first.context)
    assert new.confident and new.results[0].family == "secrets" and not new.follow_up


def test_a_follow_up_about_money_is_not_answered_from_a_document_that_states_none(
    base: KnowledgeBase,
) -> None:
    first = base.answer("调解协议有没有法律效力？", "zh")
    assert first.confident and first.results[0].family == "mediation"
    materials = base.answer("那需要准备哪些材料？", "zh", first.context)
    assert materials.follow_up  # the same kind of message, asking what the document says, is read with it
    fee = base.answer("那请律师大概要多少钱？", "zh", first.context)
    assert not fee.follow_up
    assert not (fee.confident and fee.results[0].family == "mediation")


def _result(family: str, probability: float) -> SearchResult:
    chunk = Chunk(f"{family}#0", f"zh/{family}", family, "zh", family, "", "…", "test", None, None)
    threshold = ConfidenceModel.load().deciding.threshold  # the fitted model's, as the searcher marks results
    return SearchResult(chunk, 0.0, 0.0, 0.0, 0.0, 0.0, probability >= threshold, probability)


def test_a_pointing_back_follow_up_may_move_to_a_sibling_of_the_previous_document() -> None:
    """ "那要带什么材料" after a question on mediation: alone, the materials of reporting match best; read with
    the previous question, patent mediation comes first and the previous document second."""
    context = Context("想申请专利纠纷行政调解", "how-to-request-mediation")
    alone = [_result("how-to-report-infringement", 0.99)]
    together = [_result("patent-mediation", 0.94), _result("how-to-request-mediation", 0.36)]
    assert _continues(alone, together, context, pointing_back=True)
    assert not _continues(alone, together, context, pointing_back=False)  # a new question keeps its answer
    elsewhere = [_result("patent-mediation", 0.94), _result("trademark-enforcement", 0.36)]
    assert not _continues(alone, elsewhere, context, pointing_back=True)


def test_a_follow_up_that_stays_on_the_previous_document_needs_a_lower_probability() -> None:
    """ "and for patents?" after a question on trademark infringement standards: read together, the same
    document comes first at p 0.58, far ahead of any other, under the threshold for a new question."""
    context = Context("is there a standard the bureau uses to decide trademark infringement", "standards")
    together = [_result("standards", 0.58), _result("how-to-report-infringement", 0.01)]
    assert not together[0].confident
    held = _held_by_context(together, context)
    assert held[0].confident and held[0].family == "standards" and held[1:] == together[1:]
    assert not _held_by_context(together, Context("…", "trademark-enforcement"))[0].confident  # elsewhere
    close = [_result("standards", 0.58), _result("how-to-report-infringement", 0.35)]
    assert not _held_by_context(close, context)[0].confident  # another document nearly as probable
    low = [_result("standards", 0.30), _result("how-to-report-infringement", 0.01)]
    assert not _held_by_context(low, context)[0].confident


def test_the_words_that_point_back_are_not_what_a_follow_up_asks_about() -> None:
    assert without_pointers("How can my company get help from one?") == "How can my company get help from ?"
    assert without_pointers("那怎么找它帮忙？") == "那怎么找 帮忙？"


def test_an_unanswered_question_names_the_documents_that_came_closest() -> None:
    close = [_result("report", 0.5), _result("report", 0.45), _result("mediation", 0.25), _result("gi", 0.1)]
    assert [r.family for r in Answer(close, None, "q", False).related] == ["report", "mediation"]
    far = [_result("report", 0.25), _result("mediation", 0.22)]
    assert Answer(far, None, "q", False).related == []  # the best is far from an answer: nothing to offer
    answered = [_result("report", 0.99), _result("mediation", 0.5)]
    assert Answer(answered, None, "q", False).related == []
    assert Answer([], None, "q", False).related == []  # declined before any search


def test_small_talk_the_nlu_declined_is_not_answered_from_the_previous_document(
    base: KnowledgeBase, monkeypatch
) -> None:
    """Read with the previous question, "tell me a joke" finds its document; the scope classifier, reading
    the message alone, keeps it from being answered so. A declined follow-up about the plan still is."""
    first = base.answer("假冒商标的商品去哪举报", "zh")
    assert first.confident and first.results[0].family == "report"
    small_talk = [("tell me a joke", "en"), ("推荐个餐厅", "zh")]
    for text, lang in small_talk:
        assert not base.answer(text, lang, first.context, nlu_declined=True).confident
    materials = base.answer("那要准备什么材料？", "zh", first.context, nlu_declined=True)
    assert materials.confident and materials.follow_up and materials.results[0].family == "report"
    monkeypatch.setattr(answering, "FOLLOW_UP_SCOPE", -math.inf)  # without the rule: answered from it
    for text, lang in small_talk:
        joke = base.answer(text, lang, first.context, nlu_declined=True)
        assert joke.confident and joke.follow_up and joke.results[0].family == "report"
