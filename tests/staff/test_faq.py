"""The FAQ pages over the real library and index: an entry made from a queued question answers it at once,
in both languages, with its source; passages of documents; export, import and delete, all audited."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.staff.conftest import csrf_of

FEE = {
    "zh": "向市场监督管理部门申请行政调解不收取费用。",
    "en": "Administrative mediation by the bureau is free of charge.",
}


def test_an_entry_made_from_the_queue_answers_its_question_in_both_languages(sign_in, console_app) -> None:
    c = console_app.state.console
    queued = [
        c.answers.record("c1", "zh", "调解收费吗", "not_covered"),
        c.answers.record("c2", "zh", "调解要花钱吗", "not_covered"),
    ]
    client = sign_in("erin.editor")
    review = client.get("/review").text
    assert "转为常见问题" in review
    form_page = client.get(
        "/faq?" + urlencode({"question": "调解收费吗", "lang": "zh", "answer_ids": ",".join(queued)})
    ).text
    assert "调解收费吗</textarea>" in form_page and ",".join(queued) in form_page
    saved = client.post(
        "/faq/new",
        data={
            "csrf": csrf_of(form_page),
            "answer_ids": ",".join(queued),
            "questions_zh": "调解收费吗\n调解要花钱吗",
            "questions_en": "is mediation free of charge",
            "mode": "staff",
            "answer_zh": FEE["zh"],
            "answer_en": FEE["en"],
            "source": "《专利纠纷行政调解办法》",
        },
    )
    assert saved.status_code == 303 and "error" not in saved.headers["location"]
    for question, lang in (("调解要花钱吗？", "zh"), ("is mediation free of charge?", "en")):
        answer = c.knowledge_base.answer(question, lang)
        assert answer.confident and answer.results[0].chunk.kind == "faq", question
        assert FEE[lang] in answer.excerpt.text and answer.results[0].citation["source"]
    assert c.answers.queue() == []  # the queued questions are handled
    listing = client.get("/faq").text
    assert "调解要花钱吗" in listing and "工作人员撰写" in listing
    audit = sign_in("ada.admin").get("/audit").text
    assert "create-faq" in audit and "review-handled" in audit


def test_a_staff_answer_needs_its_source_and_nothing_is_saved_without_it(sign_in, console_app) -> None:
    client = sign_in("erin.editor")
    token = csrf_of(client.get("/faq").text)
    refused = client.post(
        "/faq/new",
        data={
            "csrf": token,
            "questions_zh": "调解收费吗",
            "mode": "staff",
            "answer_zh": FEE["zh"],
            "source": "",
        },
    )
    assert "error=" in refused.headers["location"]
    assert not [d for d in console_app.state.console.library.documents() if d.kind == "faq"]
    assert client.post("/faq/new", data={"csrf": "forged", "questions_zh": "x"}).status_code == 403
    assert sign_in("hank.handler").get("/faq").status_code == 403


def test_a_section_of_a_document_becomes_an_entry_that_cites_it(sign_in, console_app) -> None:
    client = sign_in("erin.editor")
    page = client.get("/faq").text
    value = next(v for v in page.split('value="')[1:] if v.startswith("mediation|")).split('"')[0]
    saved = client.post(
        "/faq/new",
        data={
            "csrf": csrf_of(page),
            "questions_zh": "调解协议签了对方不履行怎么办",
            "mode": "passage",
            "section_zh": value.replace("&gt;", ">"),
        },
    )
    assert "error" not in saved.headers["location"], saved.headers["location"]
    [entry] = [d for d in console_app.state.console.library.documents() if d.kind == "faq"]
    assert (
        entry.answers_for == "mediation" and "专利纠纷行政调解" in entry.source and "司法确认" in entry.body
    )


def test_entries_are_exported_imported_and_deleted(sign_in, console_app) -> None:
    client = sign_in("erin.editor")
    token = csrf_of(client.get("/faq").text)
    client.post(
        "/faq/new",
        data={
            "csrf": token,
            "questions_zh": "调解收费吗",
            "mode": "staff",
            "answer_zh": FEE["zh"],
            "source": "依据",
        },
    )
    exported = client.get("/faq/export.yaml").text
    assert "调解收费吗" in exported and client.get("/faq/export.csv").text.startswith(
        "\ufeffid,lang,questions"
    )
    library = console_app.state.console.library
    [entry] = [d for d in library.documents() if d.kind == "faq"]
    gone = client.post(f"/faq/zh/{entry.id}/delete", data={"csrf": token})
    assert gone.status_code == 303 and not [d for d in library.documents() if d.kind == "faq"]
    imported = client.post(
        "/faq/import",
        data={"csrf": token},
        files={"file": ("faq.yaml", exported.encode(), "application/yaml")},
    )
    assert "error" not in imported.headers["location"]
    assert [d.questions for d in library.documents() if d.kind == "faq"] == [("调解收费吗",)]
    bad = client.post(
        "/faq/import",
        data={"csrf": token},
        files={"file": ("faq.yaml", b"- {id: x, lang: zh}", "application/yaml")},
    )
    assert "error=" in bad.headers["location"]
    assert client.get("/faq/export.exe").status_code == 404
