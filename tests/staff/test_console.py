"""The staff console's web layer with its real framework test client: sign-in, CSRF, roles, validation."""

from __future__ import annotations

import html
import io

import pytest
from starlette.testclient import TestClient

from knowledge.validity import today
from tests.staff.conftest import PASSWORD, csrf_of
from tests.tickets.test_ticket_store import NEW

pytestmark = pytest.mark.slow

NEW_DOC = """---
id: drill-notice
title: 知识产权应急演练通知
lang: zh
topics: [drill]
source: 测试文档
updated: 2026-11-27
---
# 知识产权应急演练通知

## 安排
普陀区知识产权应急演练每季度举行一次，内容包括侵权线索移交和证据保全。
"""


def test_pages_need_a_signed_in_user(console_app) -> None:
    client = TestClient(console_app, follow_redirects=False)
    for path in ("/knowledge", "/tickets", "/users", "/knowledge/hit-test?q=x"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/login", path


def test_sign_in_sets_a_signed_httponly_samesite_cookie_and_wrong_passwords_fail(console_app) -> None:
    client = TestClient(console_app, follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    wrong = client.post("/login", data={"username": "hank.handler", "password": "nope", "csrf": token})
    assert wrong.status_code == 401 and "不正确" in wrong.text
    right = client.post("/login", data={"username": "hank.handler", "password": PASSWORD, "csrf": token})
    assert right.status_code == 303
    cookie = right.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "staff_session=" in cookie
    # a tampered cookie is not a session
    tampered = client.cookies.get("staff_session")[:-4] + "AAAA"
    client.cookies.clear()
    client.cookies.set("staff_session", tampered)
    assert client.get("/tickets").status_code == 303


def test_every_form_needs_the_csrf_token(sign_in) -> None:
    client = sign_in("ada.admin")
    assert client.post("/logout").status_code == 403
    assert client.post("/knowledge/rebuild", data={"csrf": "forged"}).status_code == 403
    assert (
        client.post("/users", data={"username": "x.y.z", "password": "p" * 12, "role": "admin"}).status_code
        == 403
    )


def test_repeated_failures_lock_the_account(console_app) -> None:
    client = TestClient(console_app, follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    for _ in range(5):
        client.post("/login", data={"username": "erin.editor", "password": "wrong", "csrf": token})
    locked = client.post("/login", data={"username": "erin.editor", "password": PASSWORD, "csrf": token})
    assert locked.status_code == 401 and "锁定" in locked.text
    actions = [e.action for e in console_app.state.console.accounts.audit_log()]
    assert "locked" in actions


def test_roles_keep_each_to_their_area(sign_in) -> None:
    editor, handler, admin = sign_in("erin.editor"), sign_in("hank.handler"), sign_in("ada.admin")
    assert editor.get("/knowledge").status_code == 200 and editor.get("/tickets").status_code == 403
    assert handler.get("/tickets").status_code == 200 and handler.get("/knowledge").status_code == 403
    assert editor.get("/users").status_code == 403 and handler.get("/audit").status_code == 403
    for path in ("/knowledge", "/tickets", "/users", "/audit"):
        assert admin.get(path).status_code == 200, path


def test_an_editor_uploads_a_document_and_finds_it_in_hit_testing(sign_in, console_app) -> None:
    client = sign_in("erin.editor")
    token = csrf_of(client.get("/knowledge").text)
    bad = client.post(
        "/knowledge/upload",
        data={"csrf": token},
        files={"file": ("run.exe", b"MZ...", "application/octet-stream")},
    )
    assert bad.status_code == 303 and "error=" in bad.headers["location"]
    broken = client.post(
        "/knowledge/upload",
        data={"csrf": token},
        files={"file": ("x.md", b"---\nid: [\n---\n", "text/markdown")},
    )
    assert "error=" in broken.headers["location"]
    good = client.post(
        "/knowledge/upload",
        data={"csrf": token},
        files={"file": ("drill-notice.md", NEW_DOC.encode(), "text/markdown")},
    )
    assert good.status_code == 303 and "msg=" in good.headers["location"]
    listing = client.get("/knowledge").text
    assert "drill-notice" in listing and "知识产权应急演练通知" in listing
    hit = client.get("/knowledge/hit-test", params={"q": "应急演练多久举行一次"}).text
    assert "知识产权应急演练通知" in hit and "助手会用排名第一的段落回答" in hit
    audit = [(e.actor, e.action, e.target) for e in console_app.state.console.accounts.audit_log()]
    assert ("erin.editor", "upload-document", "zh/drill-notice") in audit


def test_an_edit_previews_its_chunks_and_html_is_escaped(sign_in) -> None:
    client = sign_in("erin.editor")
    page = client.get("/knowledge/zh/report")
    assert page.status_code == 200
    text = csrf_of(page.text), page.text
    edited = NEW_DOC.replace("drill-notice", "report").replace(
        "知识产权应急演练通知", "<script>alert(1)</script>"
    )
    preview = client.post("/knowledge/zh/report", data={"csrf": text[0], "text": edited, "action": "preview"})
    assert preview.status_code == 200 and "zh/report#" in preview.text
    assert "<script>alert(1)</script>" not in preview.text and "&lt;script&gt;" in preview.text
    wrong_id = client.post("/knowledge/zh/report", data={"csrf": text[0], "text": NEW_DOC, "action": "save"})
    assert "keep the id" in wrong_id.text


def test_a_handler_works_a_ticket_and_sees_contact_data_only_in_its_detail(sign_in, console_app) -> None:
    store = console_app.state.console.tickets
    number = store.create(NEW).number
    client = sign_in("hank.handler")
    queue = client.get("/tickets", params={"status": "new"}).text
    assert number in queue and "138****5678" in queue and "13812345678" not in queue
    detail = client.get(f"/tickets/{number}")
    assert "13812345678" in detail.text
    token = csrf_of(detail.text)
    assign = {"csrf": token, "action": "assign", "assignee": "hank.handler"}
    assert client.post(f"/tickets/{number}", data=assign).status_code == 303
    for status in ("in_progress", "resolved"):
        change = {"csrf": token, "action": "status", "status": status, "note": "已调解"}
        moved = client.post(f"/tickets/{number}", data=change)
        assert moved.status_code == 303, moved.text
    assert store.get(number).status == "resolved"
    assert client.get("/tickets", params={"status": "resolved"}).text.count(number) >= 1
    bad = client.post(f"/tickets/{number}", data={"csrf": token, "action": "status", "status": "deleted"})
    assert bad.status_code == 200 and store.get(number).status == "resolved"
    export = client.get("/tickets/export.csv")
    assert export.status_code == 200 and number in export.text
    audit = [(e.actor, e.action, e.target) for e in console_app.state.console.accounts.audit_log()]
    assert ("hank.handler", "ticket-status", number) in audit and (
        "hank.handler",
        "export-tickets",
        "csv",
    ) in audit


def test_responses_carry_security_headers(console_app) -> None:
    response = TestClient(console_app).get("/login")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


def test_an_admin_creates_accounts_with_validation(sign_in, console_app) -> None:
    client = sign_in("ada.admin")
    token = csrf_of(client.get("/users").text)
    weak = client.post(
        "/users", data={"csrf": token, "username": "new.user", "password": "short", "role": "editor"}
    )
    assert "at least" in weak.text
    made = client.post(
        "/users", data={"csrf": token, "username": "new.user", "password": "p" * 12, "role": "editor"}
    )
    assert made.status_code == 200 and "new.user" in made.text
    stored = console_app.state.console.accounts.get("new.user")
    assert stored.role == "editor" and stored.password_hash.startswith("$argon2")


def test_the_cli_creates_a_user(tmp_path, monkeypatch) -> None:
    from staff.__main__ import main

    monkeypatch.setenv("STAFF_DATABASE_URL", f"sqlite:///{tmp_path / 's.db'}")
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert main(["create-user", "li.si", "--role", "handler", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert main(["create-user", "li.si", "--role", "handler", "--password-stdin"]) == 1  # exists already


def _wait_for_the_build(console_app, seconds: float = 120.0) -> dict:
    import time

    state = console_app.state.console.build_state
    deadline = time.monotonic() + seconds
    while state.get("running") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not state.get("running"), "the rebuild did not finish"
    return state


def test_an_editor_rebuilds_the_index_and_sees_the_result(sign_in, console_app) -> None:
    client = sign_in("erin.editor")
    store = console_app.state.console.library.store
    before = store.current_build_id()
    token = csrf_of(client.get("/knowledge").text)
    assert client.post("/knowledge/rebuild", data={"csrf": token}).status_code == 303
    state = _wait_for_the_build(console_app)
    assert state["error"] == "" and "chunks" in state["result"]
    assert store.current_build_id() != before  # a full rebuild is a new build
    audit = [(e.actor, e.action) for e in console_app.state.console.accounts.audit_log()]
    assert ("erin.editor", "rebuild-index") in audit


def test_a_failed_rebuild_is_shown_and_the_previous_index_keeps_serving(
    sign_in, console_app, monkeypatch
) -> None:
    from knowledge.errors import KnowledgeError

    library = console_app.state.console.library
    before = library.store.current_build_id()

    def fail(**_: object) -> None:
        raise KnowledgeError("the embedding model cannot be loaded")

    monkeypatch.setattr(library, "rebuild", fail)
    client = sign_in("erin.editor")
    token = csrf_of(client.get("/knowledge").text)
    client.post("/knowledge/rebuild", data={"csrf": token})
    state = _wait_for_the_build(console_app)
    assert state["error"] == "the embedding model cannot be loaded"
    assert "the embedding model cannot be loaded" in client.get("/knowledge").text
    assert library.store.current_build_id() == before
    hit = client.get("/knowledge/hit-test", params={"q": "假冒商标去哪举报"}).text
    assert "商标侵权举报" in hit  # the previous index still answers


def test_an_editor_deletes_a_document_and_it_leaves_the_index(sign_in, console_app) -> None:
    client = sign_in("erin.editor")
    token = csrf_of(client.get("/knowledge").text)
    response = client.post("/knowledge/zh/gi/delete", data={"csrf": token})
    assert response.status_code == 303 and "msg=" in response.headers["location"]
    library = console_app.state.console.library
    assert "zh/gi" not in {d.key for d in library.documents()}
    assert "zh/gi" not in library.store.read_manifest()["documents"]
    audit = [(e.actor, e.action, e.target) for e in console_app.state.console.accounts.audit_log()]
    assert ("erin.editor", "delete-document", "zh/gi") in audit
    missing = client.post("/knowledge/zh/gi/delete", data={"csrf": token})
    assert "error=" in missing.headers["location"]  # nothing left to delete: said, not a crash


def test_a_ticket_from_a_conversation_shows_its_turns_masked_and_escaped(sign_in, console_app) -> None:
    from dataclasses import replace

    turns = [
        {"from": "user", "text": "<b>专利</b>被侵权了，电话13812345678"},
        {"from": "bot", "text": "根据《如何申请知识产权纠纷行政调解》：可以申请行政调解。"},
    ]
    store = console_app.state.console.tickets
    with_turns = store.create(replace(NEW, transcript=turns)).number
    without = store.create(replace(NEW, request_key="another")).number
    client = sign_in("hank.handler")
    page = client.get(f"/tickets/{with_turns}").text
    assert "&lt;b&gt;专利&lt;/b&gt;被侵权了，电话138****5678" in page and "可以申请行政调解" in page
    assert (
        "13812345678" not in page.split("开单前的对话")[1]
    )  # the contact row above shows it; the turns never
    assert "没有对话记录" in client.get(f"/tickets/{without}").text


def test_an_editor_dates_a_document_and_the_console_lists_it_once_expired(sign_in, console_app) -> None:
    client = sign_in("erin.editor")
    assert "zh/report#" in client.get("/knowledge/hit-test", params={"q": "假冒商标的商品去哪举报"}).text
    page = client.get("/knowledge/zh/report")
    original = page.text.split('name="text"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    text = html.unescape(original).replace("updated:", "expires: 2020-12-31\nupdated:", 1)
    saved = client.post(
        "/knowledge/zh/report", data={"csrf": csrf_of(page.text), "text": text, "action": "save"}
    )
    assert saved.status_code == 303 and "msg=" in saved.headers["location"]
    listing = client.get("/knowledge").text
    expired = listing.split('id="withdrawn-heading"', 1)[1].split("</section>", 1)[0]
    assert "zh/report" in expired and "已失效" in expired and "2020-12-31" in expired
    [report] = console_app.state.console.library.find("report", "zh")
    assert report.expires == "2020-12-31" and report.updated == today().isoformat()  # dated by the save
    hit = client.get("/knowledge/hit-test", params={"q": "假冒商标的商品去哪举报"}).text
    assert "zh/report#" not in hit  # an expired document answers nothing


def test_an_editor_keeps_the_glossary_and_each_change_is_live_and_audited(sign_in, console_app) -> None:
    client = sign_in("erin.editor")
    assert client.get("/glossary").status_code == 200
    assert sign_in("hank.handler").get("/glossary").status_code == 403
    knowledge = console_app.state.console.knowledge_base
    assert not knowledge.searcher().lexical.search("李鬼", 5)  # slang no document uses
    token = csrf_of(client.get("/glossary").text)
    forged = client.post("/glossary/save", data={"csrf": "forged", "en": "x", "zh": "叉"})
    assert forged.status_code == 403
    bad = client.post("/glossary/save", data={"csrf": token, "en": "假冒", "zh": "假冒"})
    assert "error=" in bad.headers["location"]
    page = client.get("/glossary", params={"edit": "counterfeit"}).text
    assert 'value="counterfeit"' in page
    saved = client.post(
        "/glossary/save",
        data={
            "csrf": token,
            "original": "counterfeit",
            "en": "counterfeit",
            "zh": "假冒, 假货",
            "synonyms": "李鬼, <b>高仿</b>",
        },
    )
    assert saved.status_code == 303 and "msg=" in saved.headers["location"]
    listing = client.get("/glossary", params={"q": "李鬼"}).text
    assert "李鬼" in listing and "<b>高仿</b>" not in listing and "&lt;b&gt;" in listing
    hits = knowledge.searcher().lexical.search("李鬼", 5)  # live after the rebuild the save made
    assert hits
    removed = client.post("/glossary/delete", data={"csrf": token, "en": "counterfeit"})
    assert removed.status_code == 303
    assert console_app.state.console.library.glossary().find("counterfeit") is None
    audit = [(e.actor, e.action, e.target) for e in console_app.state.console.accounts.audit_log()]
    assert ("erin.editor", "edit-glossary-term", "counterfeit") in audit
    assert ("erin.editor", "delete-glossary-term", "counterfeit") in audit
