"""A staff member's day in a real browser: sign in, add a policy document, check it in hit testing,
see the assistant answer from it in the chat page, and resolve a ticket, without the command line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.launch.pilot import Servers
from staff.accounts import Accounts
from tests.browser.chat import Chat
from tests.browser.conftest import screenshot
from tests.tickets.test_ticket_store import NEW
from tickets.store import TicketStore

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]
PASSWORD = "a-long-staff-password"
DOCUMENT = """---
id: ip-drill-notice
title: 知识产权应急演练通知
lang: zh
topics: [drill, emergency]
source: 工作人员上传的示例文档（浏览器测试）
updated: 2026-11-27
---
# 知识产权应急演练通知

## 演练安排
普陀区知识产权应急演练每季度举行一次，内容包括侵权线索的快速移交和证据保全，参加演练的企业需提前报名。
"""


@pytest.fixture(scope="module")
def staff_user(servers: Servers) -> str:
    Accounts(servers.extra_env["STAFF_DATABASE_URL"]).create_user(
        "ada.admin", PASSWORD, "admin", actor="test"
    )
    return "ada.admin"


def test_a_staff_member_adds_a_document_and_resolves_a_ticket(
    open_page, servers: Servers, staff_user: str, tmp_path: Path
) -> None:
    page = open_page(locale="zh-CN")
    page.goto(servers.staff_url)
    page.get_by_label("用户名").fill(staff_user)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="知识库").wait_for()

    upload = tmp_path / "ip-drill-notice.md"
    upload.write_text(DOCUMENT, encoding="utf-8")
    page.get_by_label("文件（.md / .txt / .docx / .pdf）").set_input_files(str(upload))
    page.get_by_role("button", name="上传文档").click()
    page.get_by_role("status").filter(has_text="zh/ip-drill-notice").wait_for(timeout=120_000)
    assert page.get_by_role("cell", name="知识产权应急演练通知").is_visible()
    screenshot(page, "staff-knowledge")

    page.get_by_role("link", name="命中测试").click()
    page.get_by_label("问题").fill("应急演练多久举行一次？")
    page.get_by_role("button", name="测试").click()
    assert "助手会用排名第一的段落回答" in page.get_by_role("status").inner_text()
    assert "知识产权应急演练通知" in page.locator("tbody tr").first.inner_text()
    screenshot(page, "staff-hit-test")

    # the assistant answers from it at once, with its source, no retraining
    chat_page = open_page(locale="zh-CN")
    chat = Chat(chat_page)
    chat.open("打开知识产权在线咨询")
    chat.wait_for_reply(0)
    answer = chat.say("知识产权应急演练多久举行一次？", expect="应急演练")
    assert "每季度" in answer
    assert "知识产权应急演练通知" in chat.last_bot().locator(".sources").inner_text()

    # a ticket from the queue, moved to resolved
    store = TicketStore(servers.extra_env["TICKETS_DATABASE_URL"])
    number = store.create(NEW).number
    store.engine.dispose()
    page.get_by_role("link", name="工单").click()
    page.get_by_role("link", name=number).click()
    page.get_by_role("button", name="分派").click()
    for status in ("in_progress", "resolved"):
        page.get_by_label("状态").select_option(status)
        page.get_by_role("button", name="变更状态").click()
    assert re.search(rf"{number} · resolved", page.get_by_role("heading", level=1).inner_text())
    screenshot(page, "staff-ticket")
