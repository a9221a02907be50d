"""What a citation shows of its passage: the opening sentences, whole, with list items on their own lines."""

from __future__ import annotations

from knowledge.excerpts import opening


def test_opening_keeps_whole_sentences() -> None:
    text = "第一句话说明规定。" * 40
    short = opening(text, 50)
    assert short.endswith("。") and len(short) <= 60
    english = "This is a sentence about reporting. " * 30
    assert opening(english, 40).endswith(".")


def test_opening_keeps_list_items_and_paragraphs_on_their_own_lines() -> None:
    text = "Materials to prepare:\n- Proof of the right.\n- Evidence of the infringement.\n3.5 million cases were filed."
    assert opening(text, 200) == text
    assert (
        opening("需要准备：\n1、权利证明。\n2、侵权证据。", 200) == "需要准备：\n1、权利证明。\n2、侵权证据。"
    )


def test_opening_cuts_one_enormous_sentence() -> None:
    text = "这是一句非常长的话" * 100 + "。"
    short = opening(text, 40)
    assert short.endswith("…") and len(short) <= 41


def test_a_sentence_that_continues_the_one_before_brings_it_along() -> None:
    from knowledge.excerpts import Sentence, _with_context

    for follower in (
        "In other words, the company's own measures decide it.",
        "This is why the agreement matters.",
        "换句话说，企业自己的保密措施是条件之一。",
        "也就是说，企业要先采取保密措施。",
    ):
        first = Sentence("A trade secret needs confidentiality measures.", 0, True)
        second = Sentence(follower, 0, False)
        assert _with_context([first, second], 1) == {0, 1}, follower
    alone = Sentence("Companies should sign confidentiality agreements.", 0, False)
    assert _with_context([first, alone], 1) == {1}
