"""Every evaluation conversation asked over the REST channel of freshly started servers.

Here the NLU and the dialogue come in front of the knowledge answer, and the reply's language is checked
too: what a user of the website would get.
"""

from __future__ import annotations

import json
import time
import urllib.request
from typing import List, Sequence, Tuple

from knowledge.eval_set import Conversation, Question
from knowledge.evaluate import Outcome
from knowledge.queries import query_language

# Questions about these documents may be answered from the workstation directory instead (its addresses,
# hours and phones are what "where is the workstation?" asks for).
WORKSTATION_DOCS = {"sino-israel-workstation", "trade-secret-protection"}


def ask(rasa_url: str, sender: str, text: str) -> List[dict]:
    request = urllib.request.Request(
        f"{rasa_url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def judge_live(question: Question, replies: List[dict]) -> Tuple[bool, str, List[str]]:
    """(passed, why not, cited documents). In scope: the first citation is an expected document and the
    reply is in the question's language; out of scope: no citation at all."""
    text = "\n".join(r.get("text") or "" for r in replies)
    citations = [c for r in replies for c in (r.get("custom") or {}).get("citations", [])]
    cited = [c["doc_id"] for c in citations]
    if not question.in_scope:
        return (not citations, "answered an out-of-scope question" if citations else "", cited)
    directory = any((r.get("custom") or {}).get("type") == "workstations" for r in replies)
    if not citations and directory and WORKSTATION_DOCS & set(question.expect):
        return True, "", cited  # "where is the workstation?" answered from the workstation directory
    if not citations:
        return False, "no answer: " + text.replace("\n", " ")[:40], cited
    if citations[0]["doc_id"] not in question.expect:
        return False, f"cited {citations[0]['doc_id']}", cited
    replied = query_language(text)
    if replied != question.lang:
        return False, f"replied in {replied}", cited
    return True, "", cited


def run_live(rasa_url: str, conversations: Sequence[Conversation]) -> List[Outcome]:
    outcomes = []
    for number, conversation in enumerate(conversations):
        sender = f"eval-{time.time_ns()}-{number}"
        for question in conversation.turns:
            started = time.perf_counter()
            replies = ask(rasa_url, sender, question.text)
            seconds = time.perf_counter() - started
            passed, why, cited = judge_live(question, replies)
            # Recorded so that Outcome.right says what the judge said.
            answered = bool(cited) if not question.in_scope else passed
            ranked = list(question.expect[:1]) if passed and question.in_scope else cited
            outcomes.append(Outcome(question, ranked, answered, seconds, why))
    return outcomes
