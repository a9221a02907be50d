"""From a question (and the conversation's last answer) to what an answer shows: documents and sentences.

One place decides, for the action server, the CLI's hit test and the evaluation alike:
1. search the question alone;
2. when it may lean on the conversation (:func:`knowledge.followup.is_follow_up_candidate`) and there was a
   previous answer (or, before any, a question left unanswered: :func:`next_context`), also search it
   together with the previous question. That reading is taken when it is
   confident and better than the question alone: alone unanswered, or the message cannot be meant alone
   (:func:`knowledge.followup.leans_on_context`: it points back or names almost nothing) and together
   it stays with the previous answer's document or is more probable. A message the NLU takes for out of
   scope is answered only when so read as a follow-up (and the message alone is not out of scope: small
   talk after an answer is no follow-up), or when the scope classifier is sure it is about
   the plan (:func:`_overrules_the_nlu`); a follow-up that leaves the documents' subject ("那请律师多少
   钱？") is not confident even with the previous question (money the documents do not state, scope);
3. choose the sentences of the best document that answer it (:mod:`knowledge.excerpts`): for a follow-up,
   the sentences that answer the follow-up itself ("那需要准备哪些材料？": the materials), in the document
   found with the previous question.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import List, Optional

from knowledge import excerpts
from knowledge.answer_types import asks_about_money, asks_about_time
from knowledge.followup import is_follow_up_candidate, leans_on_context, with_context, without_pointers
from knowledge.queries import clean_query
from knowledge.search import HybridSearcher
from knowledge.search_result import SearchResult

# Log-odds of the scope classifier (p ≈ 0.73) above which a message the NLU declined is searched and
# answered when confident; chosen on the tuning part (0.5-1.0 answered as many, 0 and below wrongly
# answered near-scope questions).
SCOPE_OVERRULE = 1.0
# A message the NLU declined is read as a follow-up only when the scope classifier, reading the message
# alone, does not take it for out of scope (log-odds at least this): read with the previous question, "tell
# me a joke" or "推荐个餐厅" would be answered from the previous answer's document. Tuning part: the declined
# follow-ups rightly answered so were at +0.1 to +2.8; small talk after an answer at -0.4 to -3.0.
FOLLOW_UP_SCOPE = -0.2
# Or when the answer's calibrated probability, which already weighs the NLU's doubt, is this high (tuning
# part: 0.9 answered 2 more in-scope questions and no out-of-scope one; 0.8 answered a near-scope one).
PROBABILITY_OVERRULE = 0.9
# A follow-up that, read with the previous question, stays on the previous answer's document is answered
# from this probability, lower than a new question's threshold: that the conversation was just answered
# from this document is evidence the model does not see (its rows are single searches, and the previous
# question's words dilute the follow-up's). Only when the next document is far behind (LEAD times less
# probable) and the message asks no money or time the document does not state. Tuning part: such turns
# were right at 0.50-0.58 and out of scope at 0.20-0.52 (the last one asking for a grant: money).
CONTINUATION_BAR = 0.45
CONTINUATION_LEAD = 2.0
# A question left unanswered whose best document still reached RELATED_FROM names the documents that came
# closest (each at RELATED_EACH or more), so the user can open one. Tuning part, single questions the
# search refused: of the covered ones, 15 of 16 refused at 0.3 or more had a right document among them
# (1 of 2 below); of the out-of-scope ones, 15 of 53 get the titles, and titles mislead no one.
RELATED_FROM = 0.3
RELATED_EACH = 0.2
RELATED_MAX = 3


@dataclass(frozen=True)
class Context:
    """What the next turn may lean on: the question last answered (as searched) and its document family; or,
    before any answer, the question last left unanswered, with no family ("")."""

    question: str
    family: str


@dataclass(frozen=True)
class Answer:
    results: List[SearchResult]  # ranked; the first one's sentences are ``excerpt`` when confident
    excerpt: Optional[excerpts.Excerpt]
    question: str  # what was searched: the question, or the previous question and the follow-up
    follow_up: bool  # the question was read with the previous one

    @property
    def confident(self) -> bool:
        return bool(self.results) and self.results[0].confident

    @property
    def related(self) -> List[SearchResult]:
        """When unanswered: the documents that came closest (one result each), for the user to choose from;
        none when the best one is far from an answer or the question was declined (no results)."""
        if self.confident or not self.results or self.results[0].probability < RELATED_FROM:
            return []
        chosen: List[SearchResult] = []
        for result in self.results[:RELATED_MAX]:
            close = result.probability >= RELATED_EACH and result.chunk.kind != "faq"
            if close and result.family not in {r.family for r in chosen}:
                chosen.append(result)
        return chosen

    @property
    def context(self) -> Optional[Context]:
        if not self.confident:
            return None
        return Context(self.question, self.results[0].family)


def next_context(answered: Answer, previous: Optional[Context]) -> Optional[Context]:
    """What the turn after ``answered`` may lean on: what it answered; else what an earlier turn answered;
    else, before any answer, this question itself. A follow-up may complete a question left unanswered:
    "are seasonal GI goods checked more around the holidays" went unanswered, "which products exactly?"
    read with it is answered (tuning part: one follow-up more, nothing else moved). Its document is
    unknown, so the lower bar of a follow-up that stays on the previous answer's document does not apply."""
    if answered.context is not None:
        return answered.context
    if previous is not None and previous.family:
        return previous
    return Context(answered.question, "") if answered.question else previous


def answer(
    searcher: HybridSearcher,
    text: str,
    lang: str,
    context: Optional[Context] = None,
    k: int = 3,
    nlu_policy: Optional[float] = None,
    nlu_declined: bool = False,
) -> Answer:
    """``nlu_policy``: the NLU's confidence that the message is a policy question (None: no NLU in front);
    ``nlu_declined``: the NLU took the message for out of scope (see :func:`_overrules_the_nlu`)."""
    question = clean_query(text)
    results, vector = searcher.search_with_vector(question, lang, k, nlu_policy=nlu_policy)
    own_question, own_vector = question, vector  # what the sentences are chosen by: the message itself
    own_scope = results[0].features.get("scope") if results else None  # the message alone: about the plan?
    follow_up = False
    if context and is_follow_up_candidate(question):
        combined = with_context(context.question, question)
        again, again_vector = searcher.search_with_vector(combined, lang, k, nlu_policy=nlu_policy)
        if not _asks_what_it_does_not_state(searcher, question, again):
            again = _held_by_context(again, context)
            if _continues(results, again, context, leans_on_context(question)):
                results, vector, question, follow_up = again, again_vector, combined, True
    if nlu_declined and not _overrules_the_nlu(results, follow_up, own_scope):
        return Answer(results[:0], None, question, follow_up)
    if not (results and results[0].confident) or vector is None:
        return Answer(results, None, question, follow_up)
    best = results[0]
    if best.chunk.kind == "faq":  # staff's answer to this very question: its own text, nothing else
        rows = searcher.faq.rows_of(best.chunk.doc_key)
    else:
        rows = searcher.family_rows(best.family, best.chunk.lang)  # the best passage's document, in order
    # The document was found with the whole question; its sentences answer what this message asks.
    scores = [float(s) for s in searcher.build.embeddings[rows] @ vector]
    excerpt = excerpts.select(
        searcher.build.chunks,
        rows,
        scores,
        own_vector if own_vector is not None else vector,
        searcher.build.sentence_vectors,
        searcher.lexical.word_share(without_pointers(own_question) if follow_up else own_question),
    )
    shown = dataclasses.replace(best, chunk=searcher.build.chunks[excerpt.row])
    return Answer([shown, *results[1:]], excerpt, question, follow_up)


def _overrules_the_nlu(results: List[SearchResult], follow_up: bool, own_scope: Optional[float]) -> bool:
    """A message the NLU took for out of scope is answered all the same when the search is confident and
    either it was read as a follow-up of the last answer (the NLU sees each message alone: "and for
    patents?" names no topic of the plan) and the scope classifier does not take the message alone for
    out of scope (``own_scope``, :data:`FOLLOW_UP_SCOPE`), or the scope classifier, which reads the
    message's meaning, is sure it is about the plan (log-odds :data:`SCOPE_OVERRULE`), or the answer is
    very probable all the same (:data:`PROBABILITY_OVERRULE`). On the tuning part this answered 9 more
    follow-up turns and 4 more single questions rightly, and no out-of-scope question more."""
    if not (results and results[0].confident):
        return False
    if follow_up:  # the results were found with the previous question: their signals are not the message's
        return own_scope is None or own_scope >= FOLLOW_UP_SCOPE
    best = results[0]
    return best.features.get("scope", -math.inf) >= SCOPE_OVERRULE or best.probability >= PROBABILITY_OVERRULE


def _asks_what_it_does_not_state(
    searcher: HybridSearcher, follow_up: str, together: List[SearchResult]
) -> bool:
    """The follow-up itself asks about money ("那请律师要多少钱？") or time ("要多久？") and the document
    found with the previous question states none: read together, the previous question's topic makes the
    search confident, but the document cannot answer what this message asks. On the tuning part every
    follow-up asking about money was out of scope."""
    if not together:
        return False
    family = together[0].family
    return (asks_about_money(follow_up) and not searcher.states_money(family)) or (
        asks_about_time(follow_up) and not searcher.states_time(family)
    )


def _held_by_context(together: List[SearchResult], context: Context) -> List[SearchResult]:
    """``together`` with its first result counted as confident when it is the previous answer's document
    at :data:`CONTINUATION_BAR` or more, every other document at most 1/:data:`CONTINUATION_LEAD` as
    probable."""
    if not together or together[0].confident:
        return together
    first = together[0]
    runner_up = max((r.probability for r in together[1:] if r.family != first.family), default=0.0)
    if (
        first.family == context.family
        and first.probability >= CONTINUATION_BAR
        and runner_up * CONTINUATION_LEAD <= first.probability
    ):
        return [dataclasses.replace(first, confident=True), *together[1:]]
    return together


def _continues(
    alone: List[SearchResult], together: List[SearchResult], context: Context, pointing_back: bool
) -> bool:
    """Read with the previous question, the follow-up is answered, and better than alone: alone it is not
    answered; or it points back (那/它/this…, or names almost nothing: "需要带什么") and together it keeps
    the previous answer's document among its first two (a sibling document may answer the follow-up
    better: "那要带什么材料" after a question on patent mediation) or is more probable. A message answered
    on its own that does not point back is a new question."""
    if not (together and together[0].confident):
        return False
    if not (alone and alone[0].confident):
        return True
    return pointing_back and (
        context.family in {r.family for r in together[:2]} or together[0].probability >= alone[0].probability
    )
