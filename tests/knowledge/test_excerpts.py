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


def test_the_best_sentences_list_comes_before_other_nearly_as_good_sentences() -> None:
    """ "那需要什么材料？": the lead-in of the materials list scores best; its items fill the answer before a
    sentence elsewhere that scores nearly as well (and the one it depends on) take the room."""
    import numpy as np

    from knowledge.chunking import Chunk
    from knowledge.excerpts import select

    text = (
        "根据法律规定，商业秘密是指不为公众所知悉、具有商业价值并经权利人采取相应保密措施的技术信息和经营信息，"
        "这一定义较长，需要占用较多篇幅来说明它的各个条件。\n"
        "也就是说，企业自己是否采取了相应的保密措施，是一项信息能否作为商业秘密受到保护的条件之一。\n"
        "通常建议准备以下内容：\n"
        "- 当事人：双方的名称、地址和联系方式。\n"
        "- 权利：涉及的专利号、商标注册号等权利证明。\n"
        "- 经过：纠纷是怎么发生的，以及相关证据。"
    )
    chunk = Chunk("d#0", "zh/d", "d", "zh", "d", "", text, "test", None, None)
    # sentence vectors chosen so that the lead-in is best and the "也就是说" sentence nearly as good
    cosines = {0: 0.70, 1: 0.895, 2: 0.90, 3: 0.80, 4: 0.80, 5: 0.80}
    vectors = np.array([[cosines[i], 0.0] for i in range(6)], dtype=np.float32)
    excerpt = select([chunk], [0], [0.8], np.array([1.0, 0.0]), lambda row: vectors, lambda text: 0.0, 150)
    assert excerpt.sentences[0] == "通常建议准备以下内容："
    assert [s[:3] for s in excerpt.sentences[1:]] == ["- 当", "- 权", "- 经"]
