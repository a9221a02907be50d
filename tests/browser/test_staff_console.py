"""A staff member's day in a real browser: sign in, add a policy document, check it in hit testing,
see the assistant answer from it in the chat page, and resolve a ticket, without the command line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.launch.pilot import Servers
from staff.accounts import Accounts
from tests.browser.chat import Chat
from tests.browser.conftest import AXE, screenshot
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


def test_a_disliked_answer_reaches_the_review_queue_and_staff_mark_it_handled(
    open_page, servers: Servers, staff_user: str
) -> None:
    """The improvement loop's first half in a real browser: a visitor rates an answer 👎 with a reason, and
    staff find the question, the reason and the comment in the review queue, and mark it handled."""
    chat_page = open_page(locale="zh-CN")
    chat = Chat(chat_page)
    chat.open("打开知识产权在线咨询")
    chat.wait_for_reply(0)
    chat.say("我们想申请专利纠纷调解，要准备什么材料？", expect="根据")
    answer = chat.root.locator(".from-bot").nth(len(chat.bot_texts()) - 1)
    feedback = answer.get_by_role("group", name="这个回答有帮助吗？")
    feedback.get_by_role("button", name="没有帮助").click()
    feedback.get_by_label("内容过时").check()
    feedback.get_by_label("补充说明（可选）").fill("材料清单好像更新了")
    before = len(chat.bot_texts())
    feedback.get_by_role("button", name="提交反馈").click()
    assert "工作人员会查看" in chat.wait_for_reply(before)
    assert "已收到您的反馈" in answer.inner_text()  # the controls give way to a note
    screenshot(chat_page, "chat-feedback")

    page = open_page(locale="zh-CN")
    page.goto(servers.staff_url)
    page.get_by_label("用户名").fill(staff_user)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="待改进问题").click()
    page.get_by_label("原因").select_option("disliked")
    page.get_by_role("button", name="筛选").click()
    row = page.locator("tbody tr").filter(has_text="我们想申请专利纠纷调解，要准备什么材料？")
    assert "用户不满意" in row.inner_text() and "材料清单好像更新了" in row.inner_text()
    screenshot(page, "staff-review-queue")
    row.get_by_role("button", name="标记已处理").click()
    page.get_by_role("status").filter(has_text="已完成").wait_for()
    assert page.locator("tbody tr").filter(has_text="我们想申请专利纠纷调解").count() == 0


def _signed_in_console(open_page, servers: Servers, staff_user: str):  # noqa: ANN202
    page = open_page(locale="zh-CN")
    page.goto(servers.staff_url)
    page.get_by_label("用户名").fill(staff_user)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    return page


def _rate_last_reply_down(chat: Chat, reason: str, comment: str) -> None:
    reply = chat.root.locator(".from-bot").nth(len(chat.bot_texts()) - 1)
    group = reply.get_by_role("group")
    group.get_by_role(
        "button",
        name="没有帮助" if chat.page.evaluate("navigator.language").startswith("zh") else "Not helpful",
    ).click()
    group.get_by_label(reason).check()
    group.locator("textarea").fill(comment)
    before = len(chat.bot_texts())
    group.locator(".feedback-send").click()
    chat.wait_for_reply(before)


def test_the_improvement_loop_an_uncovered_question_becomes_an_faq_answer_in_both_languages(
    open_page, servers: Servers, staff_user: str
) -> None:
    """A visitor asks what the documents do not cover and rates the reply 👎; staff find it in the review
    queue and make an FAQ entry of it; asked again in a new conversation, in Chinese and in English, the
    question is answered from the entry, with its source."""
    question_zh, question_en = (
        "申请行政调解要交钱吗？",
        "Do we have to pay for administrative mediation?",
    )
    chat = Chat(open_page(locale="zh-CN"))
    chat.open("打开知识产权在线咨询")
    chat.wait_for_reply(0)
    first = chat.say(question_zh)
    assert "调解不收取费用" not in first
    _rate_last_reply_down(chat, "其他", "想知道要不要收费")

    page = _signed_in_console(open_page, servers, staff_user)
    page.get_by_role("link", name="待改进问题").click()
    row = page.locator("tbody tr").filter(has_text=question_zh)
    assert "用户不满意" in row.inner_text() and "想知道要不要收费" in row.inner_text()
    row.get_by_role("link", name="转为常见问题").click()
    assert page.get_by_label("中文问法（每行一个）").input_value() == question_zh
    page.get_by_label("英文问法（每行一个）").fill(question_en)
    page.get_by_label("中文答案").fill("在维权援助工作站申请知识产权纠纷行政调解不收取费用。")
    page.get_by_label("英文答案").fill(
        "Administrative mediation of IP disputes at the workstations is free of charge."
    )
    page.get_by_label("依据（必填，例如法规条款或计划条目）").fill(
        "普陀区知识产权纠纷行政调解工作规程（示例依据）"
    )
    screenshot(page, "staff-faq-editor")
    page.get_by_role("button", name="保存并生效").click()
    page.get_by_role("status").wait_for(timeout=120_000)
    assert page.locator("tbody tr").filter(has_text=question_zh).count() == 1
    page.get_by_role("link", name="待改进问题").click()
    assert page.locator("tbody tr").filter(has_text=question_zh).count() == 0  # handled with the entry

    for locale, question, words, source in (
        ("zh-CN", question_zh, "不收取费用", "工作人员撰写"),
        ("en-US", question_en, "free of charge", "Written by the staff"),
    ):
        again = Chat(open_page(locale=locale))
        again.open("打开知识产权在线咨询" if locale == "zh-CN" else "Open the IP protection chat")
        again.wait_for_reply(0)
        assert words in again.say(question, expect=words)
        assert source in again.last_bot().locator(".sources").inner_text()
        screenshot(again.page, f"chat-faq-{locale[:2]}")

    page.get_by_role("link", name="运行概况").click()
    page.get_by_role("heading", name="每天的问题数").wait_for()
    screenshot(page, "staff-dashboard")


@pytest.mark.parametrize(
    "path",
    [
        "/review",
        "/faq",
        "/review?state=handled",
        "/dashboard",
        "/glossary",
        "/glossary?edit=counterfeit",
        "/knowledge",
        "/knowledge/hit-test",
        "/tickets",
        "/users",
        "/audit",
    ],
)
def test_the_improvement_pages_pass_axe_with_no_violations(
    open_page, servers: Servers, staff_user: str, path: str
) -> None:
    """axe-core's WCAG 2.1 A/AA rules over every console page (review queue, FAQ editor, dashboard, knowledge
    base, hit testing, tickets, accounts, audit log), with data."""
    from feedback.store import AnswerLog

    log = AnswerLog(servers.extra_env["TICKETS_DATABASE_URL"])
    log.record("axe-check", "zh", "请律师多少钱", "not_covered")
    log.record("axe-check", "en", "how much do IP lawyers charge", "declined")
    log.engine.dispose()
    page = open_page(locale="zh-CN", bypass_csp=True)  # only so that axe can be injected
    page.goto(servers.staff_url)
    page.get_by_label("用户名").fill(staff_user)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(servers.staff_url.rstrip("/") + path)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help}))"
    )
    assert violations == []
    if path in ("/glossary?edit=counterfeit", "/knowledge"):
        screenshot(page, "staff-glossary" if path.startswith("/glossary") else "staff-knowledge")
