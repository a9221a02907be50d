"""Typing mistakes put right before the search, and real words left alone."""

from __future__ import annotations

import pytest

from knowledge.broader_terms import broader_terms
from knowledge.spelling import EnglishSpeller, Speller, correct_chinese


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("商标侵全去哪里投诉", "商标侵权去哪里投诉"),  # qinquan: not a word, sounds like 侵权
        ("专利纠份想调解", "专利纠纷想调解"),
        ("知识产权调节去哪里申请", "知识产权调解去哪里申请"),  # a real word, but here always 调解
    ],
)
def test_chinese_non_words_that_sound_like_a_term_become_the_term(typed: str, meant: str) -> None:
    assert correct_chinese(typed) == meant


@pytest.mark.parametrize(
    "text",
    [
        "跟法院公安那边怎么配合",  # 院公 sounds like 员工, but 法院 and 公安 are words
        "我不知道该找谁",  # 知道 sounds like 指导
        "给境外母公司付商标使用费",
    ],
)
def test_real_chinese_words_are_never_changed(text: str) -> None:
    assert correct_chinese(text) == text


def test_english_words_one_edit_from_a_glossary_word_are_corrected() -> None:
    speller = EnglishSpeller(["report", "goods"])
    assert speller.correct("how to report counterfiet goods") == "how to report counterfeit goods"
    assert speller.correct("criteria for trademakr infringement") == "criteria for trademark infringement"


@pytest.mark.parametrize(
    "text",
    [
        "what counts as infringement",  # "counts" is one edit from "courts", but short and a real word
        "things to do in hangzhou",  # "changzhou" differs in the first letter: names stay apart
        "repeat trademark infringers",  # a known word and a suffix
        "our israeli engineers",
    ],
)
def test_english_words_that_are_not_mistakes_stay(text: str) -> None:
    speller = EnglishSpeller(["counts", "things", "repeat", "engineers"])
    assert speller.correct(text) == text


def test_the_speller_takes_its_english_words_from_the_passages() -> None:
    speller = Speller(["Mediation agreements can be confirmed by a court."])
    assert speller.correct("mediation agreemnts") == "mediation agreemnts"  # not a glossary word
    assert speller.correct("comfirmed mediation") == "comfirmed mediation"  # "confirmed": not a target
    assert speller.correct("patent infringment") == "patent infringement"


def test_place_names_abroad_stand_for_overseas_matters() -> None:
    assert broader_terms("在美国被起诉专利侵权了怎么办") == ["海外 境外 overseas"]
    assert broader_terms("got an IP complaint at a trade fair in las vegas") == ["海外 境外 overseas"]
    assert broader_terms("商标侵权去哪里投诉") == []
    assert broader_terms("the campus is near us") == []  # "us" is not the USA


def test_of_two_terms_one_edit_away_the_one_the_passages_use_far_more_wins() -> None:
    usual = EnglishSpeller(["mediation"] * 6 + ["mediator"])
    assert usual.correct("how long does mediaton take") == "how long does mediation take"
    even = EnglishSpeller(["mediation", "mediation", "mediator"])
    assert even.correct("how long does mediaton take") == "how long does mediaton take"  # no clear winner
