"""Questions about money or time, and documents that state none: the signals behind many honest refusals."""

from __future__ import annotations

import pytest

from knowledge.answer_types import asks_about_money, asks_about_time, states_money, states_time


@pytest.mark.parametrize(
    "question",
    [
        "商标异议要交多少钱",
        "打一个商标侵权官司 律师费一般多少",
        "外资企业要交预提所得税吗",
        "闵行那边申请专利有没有补贴",
        "what are the court fees for a trademark infringement lawsuit",
        "how much does CNIPA charge to file a patent",
        "is there stamp duty on a patent assignment, and what tax rate applies",
        "office rent in the innovation park?",
        "ok, and can we get a grant for filing patents?",  # a grant of money
    ],
)
def test_questions_about_money(question: str) -> None:
    assert asks_about_money(question)


@pytest.mark.parametrize(
    "question",
    [
        "消费者买到假货怎么投诉",  # 消费者 is a consumer, not a fee
        "which department is in charge of patent disputes",
        "申请调解要带哪些材料",
        "our factory takes OEM orders, any trademark duties for us?",  # duties: obligations
        "what counts as trademark infringement",
        'an agency promised us a "guaranteed grant" for 50 patents, is that ok?',  # a patent's grant
        "is a grant of patent rights final",
    ],
)
def test_questions_not_about_money(question: str) -> None:
    assert not asks_about_money(question)


def test_a_document_states_money_when_it_names_an_amount_a_fee_or_a_fine() -> None:
    assert states_money("申请人应缴纳费用500元。")
    assert states_money("Mediation is free of charge.")
    assert states_money("对违法行为处以罚款。")
    assert not states_money("调解以双方自愿为基础，不收取当事人任何材料以外的东西。")
    assert not states_money("The workstation helps foreign-invested firms protect their rights.")


@pytest.mark.parametrize(
    "question",
    [
        "调解一般要多久",
        "工作站周末开门吗",
        "商标驳回复审要在几天内提交",
        "how long does a design patent take to be granted",
        "what are the opening hours of the workstation",
        "is the hotline open on sundays",
        "what's the deadline for a trademark opposition",
    ],
)
def test_questions_about_time(question: str) -> None:
    assert asks_about_time(question)


@pytest.mark.parametrize(
    "question",
    [
        "地理标志产品什么情况下会被抽查",
        "商标侵权怎么举报",
        "how do I report a fake",
        "who mediates patent disputes",
    ],
)
def test_questions_not_about_time(question: str) -> None:
    assert not asks_about_time(question)


def test_a_document_states_time_when_it_names_a_limit_a_duration_or_hours() -> None:
    assert states_time("申请司法确认有法定的期限和管辖要求。")
    assert states_time("Foreign lawsuits usually have deadlines for responding.")
    assert states_time("受理后15个工作日内答复。")
    assert states_time("应急演练每季度举行一次。")  # how often answers "多久举行一次"
    assert states_time("The joint conference meets every year.")
    assert not states_time("工作站为园区企业提供维权咨询。")
    assert not states_time("The workstation offers advice to foreign-invested firms.")
