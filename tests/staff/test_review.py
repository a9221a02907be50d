"""The review queue in the console: grouped questions from the real answer log, filters, marking (CSRF,
roles, audit), with the real query encoder grouping the wordings."""

from __future__ import annotations

from tests.staff.conftest import csrf_of


def _fill(console_app) -> dict:  # noqa: ANN001
    log = console_app.state.console.answers
    return {
        "lawyer": [
            log.record("c1", "zh", "请律师多少钱", "not_covered"),
            log.record("c2", "zh", "找律师要花多少钱", "not_covered"),
            log.record("c3", "zh", "请律师多少钱", "not_covered"),
        ],
        "disliked": [
            log.record(
                "c4",
                "en",
                "how do I request mediation",
                "answered",
                0.93,
                [{"doc_id": "mediation", "title": "Requesting mediation"}],
            )
        ],
        "fine": [log.record("c5", "zh", "商标侵权怎么举报", "answered", 0.97)],
        "declined": [log.record("c6", "en", "how much do IP lawyers charge", "declined")],
    }


def test_the_queue_groups_similar_questions_with_their_reasons(sign_in, console_app) -> None:
    ids = _fill(console_app)
    console_app.state.console.answers.rate(
        ids["disliked"][0], "c4", "down", "wrong", "it did not say which documents"
    )
    client = sign_in("erin.editor")
    html = client.get("/review").text
    assert "请律师多少钱" in html and "找律师要花多少钱" in html  # one group, both wordings listed
    assert html.count('name="answer_ids"') == 3 * 2  # three groups, two target states each
    assert "how do I request mediation" in html and "Requesting mediation" in html
    assert "it did not say which documents" in html
    assert "商标侵权怎么举报" not in html  # answered surely
    assert (
        "how much do IP lawyers charge" in html and "Taken for off-topic" not in html
    )  # declined, in Chinese
    assert "判定为范围外" in html
    english = client.get("/review?language=en").text
    assert "how do I request mediation" in english and "请律师多少钱" not in english
    disliked = client.get("/review?why=disliked").text
    assert "how do I request mediation" in disliked and "请律师多少钱" not in disliked


def test_staff_mark_a_group_handled_with_csrf_and_an_audit_entry(sign_in, console_app) -> None:
    ids = _fill(console_app)
    client = sign_in("erin.editor")
    token = csrf_of(client.get("/review").text)
    forged = client.post(
        "/review/mark", data={"csrf": "forged", "answer_ids": ",".join(ids["lawyer"]), "state": "handled"}
    )
    assert forged.status_code == 403
    done = client.post(
        "/review/mark", data={"csrf": token, "answer_ids": ",".join(ids["lawyer"]), "state": "handled"}
    )
    assert done.status_code == 303
    assert "请律师多少钱" not in client.get("/review").text
    assert "请律师多少钱" in client.get("/review?state=handled").text
    bad = client.post(
        "/review/mark", data={"csrf": token, "answer_ids": ids["lawyer"][0], "state": "deleted"}
    )
    assert bad.status_code == 303 and "请律师多少钱" in client.get("/review?state=handled").text
    audit = sign_in("ada.admin").get("/audit").text
    assert "review-handled" in audit and "3 replies" in audit


def test_only_editors_and_admins_see_the_queue(sign_in, console_app) -> None:
    _fill(console_app)
    assert sign_in("hank.handler").get("/review").status_code == 403
    assert sign_in("ada.admin").get("/review").status_code == 200
