"""The website chat page in a real browser: questions with sources, a ticket, languages, reloads, outages."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request

import pytest

from bot.launch.pilot import Servers
from tests.browser.chat import Chat
from tests.browser.conftest import AXE, CJK, PHONE, record, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]

OPEN_ZH = "打开知识产权在线咨询"
OPEN_EN = "Open the IP protection chat"


def opened(open_page, locale: str = "zh-CN", **kwargs) -> Chat:
    page = open_page(locale=locale, **kwargs)
    chat = Chat(page)
    chat.open(OPEN_ZH if locale.startswith("zh") else OPEN_EN)
    chat.wait_for_reply(0)  # the greeting
    return chat


def test_a_chinese_question_is_answered_with_its_sources(open_page) -> None:
    page = open_page(locale="zh-CN")
    chat = Chat(page)
    started = time.monotonic()
    chat.open(OPEN_ZH)
    greeting = chat.wait_for_reply(0)
    record("time_to_first_message_ms", round((time.monotonic() - started) * 1000))
    assert CJK.search(greeting)

    answer = chat.say("发现有人仿冒我们的注册商标，应该怎么举报？", expect="根据")
    assert CJK.search(answer) and "来源：" not in answer  # the sources are listed under the answer
    sources = chat.last_bot().locator(".sources")
    sources.wait_for()
    assert "来源" in sources.inner_text()
    assert sources.locator("li").count() >= 1
    assert re.search(r"更新于 \d{4}-\d{2}-\d{2}", sources.inner_text())  # the document's date
    screenshot(page, "chat-zh-desktop")


def test_an_english_question_is_answered_in_english_with_sources(open_page) -> None:
    chat = opened(open_page, locale="en-US")
    assert "assistant" in chat.bot_texts()[0].lower()
    answer = chat.say("How can a foreign company get help with an overseas IP dispute?", expect="overseas")
    assert len(CJK.findall(answer)) < len(answer) / 10  # English (a quoted Chinese term may appear)
    sources = chat.last_bot().locator(".sources")
    sources.wait_for()
    assert "Sources" in sources.inner_text()
    assert re.search(r"updated \d{4}-\d{2}-\d{2}", sources.inner_text())
    screenshot(chat.page, "chat-en-desktop")


def test_an_uncovered_question_offers_the_closest_documents_and_one_click_answers(open_page) -> None:
    """Shared between reporting and malicious registrations, the question is not answered; the page shows
    the closest documents as active buttons, with the ticket offer, and choosing one answers from it."""
    chat = opened(open_page)
    reply = chat.say("商标被人仿冒了怎么办", expect="最接近")
    assert "抱歉" in reply and not chat.last_bot().locator(".sources").count()
    buttons = chat.last_bot().locator(".quick-reply")
    titles = buttons.all_text_contents()
    assert "开一张援助工单" in titles and len(titles) >= 3  # documents first, then the usual offers
    assert all(button.is_enabled() for button in buttons.all())
    answer = chat.click(titles[0], expect="根据")
    assert f"根据《{titles[0]}》" in answer
    chat.last_bot().locator(".sources").wait_for()


def test_a_visitor_opens_a_ticket_with_the_buttons_and_looks_it_up(open_page) -> None:
    chat = opened(open_page)
    chat.say("我们的专利被网店侵权了，可以申请调解吗？", expect="根据")
    assert "哪类事项" in chat.click("开一张援助工单")
    assert "企业" in chat.click("纠纷调解")
    assert "联系人" in chat.say("上海示例科技有限公司")
    assert "联系电话" in chat.say("王五")
    assert "统一社会信用代码" in chat.say("13912345678")
    assert "描述" in chat.click("跳过")
    assert "建议由" in chat.say("网店销售仿冒我们专利的产品，希望申请行政调解。")
    assert "同意吗" in chat.click_first()
    assert "请核对工单信息" in chat.click("同意")
    saved = chat.click("确认提交", expect="工单已提交")
    number = re.search(r"PT-\d{8}-\d{4}", saved).group(0)
    ticket = chat.last_bot().locator(".ticket-number")
    assert ticket.inner_text() == number  # shown apart, with a copy button
    screenshot(chat.page, "chat-zh-ticket")

    assert "工单编号" in chat.say("查询工单进度")
    assert "后四位" in chat.say(number)
    status = chat.say("5678")
    assert number in status


def test_switching_the_language_changes_the_page_and_the_replies(open_page) -> None:
    chat = opened(open_page)
    chat.page.get_by_role("button", name="Switch to English").click()
    chat.wait_for_reply(1, "English")
    assert chat.page.get_by_role("button", name="切换到中文").is_visible()
    assert chat.root.locator("#ipa-input").get_attribute("placeholder").startswith("Type your question")
    answer = chat.say("Where can I report a counterfeit trademark?", expect="From")
    assert len(CJK.findall(answer)) < len(answer) / 10
    assert "Sources" in chat.last_bot().locator(".sources").inner_text()
    screenshot(chat.page, "chat-en-switched")
    chat.page.get_by_role("button", name="切换到中文").click()
    chat.wait_for_reply(len(chat.bot_texts()), "中文")


def test_a_reload_keeps_the_conversation(open_page) -> None:
    chat = opened(open_page)
    chat.say("商业秘密被侵犯了怎么办？", expect="根据")
    # Not just the text: the reload comes once the answer is shown and stored with its sources.
    chat.wait_for_saved_sources()
    before = (chat.user_texts(), chat.bot_texts())
    chat.page.reload()
    chat = Chat(chat.page)
    chat.root.locator(".from-bot").first.wait_for()
    assert (chat.user_texts(), chat.bot_texts()) == before
    assert chat.last_bot().locator(".sources").count() == 1  # sources kept too
    # the same conversation goes on: the bot still knows its language and answers
    chat.root.locator(".status.online, .status[hidden]").first.wait_for(state="attached")
    assert "根据" in chat.say("海外维权有什么指导？", expect="根据")


def test_user_text_is_shown_as_text_never_run_as_html(open_page) -> None:
    chat = opened(open_page)
    attack = '<img src=x onerror="window.__owned=1"><script>window.__owned=2</script>'
    chat.say(attack)
    assert chat.user_texts()[-1] == attack
    assert chat.page.evaluate("() => window.__owned === undefined")
    assert chat.root.locator(".log img, .log script").count() == 0


def test_the_page_recovers_when_the_rasa_server_comes_back(open_page, servers: Servers) -> None:
    chat = opened(open_page)
    try:
        servers.stop_one("rasa")
        offline = chat.root.locator(".status.offline")
        offline.wait_for(timeout=15_000)
        assert "暂时无法连接服务器" in offline.inner_text()
        assert chat.root.get_by_role("button", name="发送").is_disabled()
        screenshot(chat.page, "chat-zh-offline")
    finally:
        servers.start_rasa()
    chat.page.wait_for_function(
        "() => !document.querySelector('#ip-assistant-chat').shadowRoot.querySelector('.status.offline')",
        timeout=30_000,
    )
    assert "根据" in chat.say("怎么申请专利纠纷行政调解？", expect="根据")


@pytest.mark.parametrize("locale,name", [("zh-CN", "zh"), ("en-US", "en")])
def test_phone_sized_screens_get_a_full_screen_panel(open_page, locale: str, name: str) -> None:
    chat = opened(open_page, locale=locale, viewport=PHONE)
    question = "如何举报专利侵权？" if name == "zh" else "How do I report a patent infringement?"
    chat.say(question, expect="根据" if name == "zh" else "From")
    box = chat.root.locator(".panel").bounding_box()
    assert box["width"] == PHONE["width"] and box["height"] == PHONE["height"]
    screenshot(chat.page, f"chat-{name}-phone")


def test_the_page_is_served_with_a_content_security_policy(servers: Servers) -> None:
    with urllib.request.urlopen(servers.web_url, timeout=10) as response:
        policy = response.headers["Content-Security-Policy"]
        page = response.read().decode()
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert f"ws://localhost:{servers.rasa_port}" in policy
    assert f'data-server="http://localhost:{servers.rasa_port}"' in page
    record(
        "page_weight_kb",
        {
            name: round((servers.web_dir / name).stat().st_size / 1024, 1)
            for name in ("widget.js", "widget.css", "index.html", "page.css")
        },
    )


def socket_io_handshake(servers: Servers, origin: str) -> str:
    request = urllib.request.Request(
        f"{servers.rasa_url}/socket.io/?EIO=4&transport=websocket", headers={"Origin": origin}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.read().decode(errors="replace")


def test_rasa_accepts_the_chat_page_only_from_configured_origins(servers: Servers) -> None:
    assert "not an accepted origin" in socket_io_handshake(servers, "http://evil.example")
    assert "not an accepted origin" not in socket_io_handshake(
        servers, f"http://localhost:{servers.web_port}"
    )
    preflight = urllib.request.Request(
        f"{servers.rasa_url}/webhooks/rest/webhook",
        method="OPTIONS",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
    )
    with urllib.request.urlopen(preflight, timeout=10) as response:
        assert response.headers.get("Access-Control-Allow-Origin") in (None, "")


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_open_chat_has_no_serious_accessibility_problems(open_page, locale: str) -> None:
    """axe-core's WCAG 2.1 A/AA rules over the page with an answer, its sources and buttons on screen."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run 'make web'")
    chat = opened(open_page, locale=locale, bypass_csp=True)  # only so that axe can be injected
    chat.say("商标侵权怎么举报？" if locale == "zh-CN" else "How do I report trademark infringement?")
    chat.page.add_script_tag(path=str(AXE))
    results = chat.page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help}))"
    )
    record(f"axe_violations_{locale}", results)
    serious = [v for v in results if v["impact"] in ("serious", "critical")]
    assert not serious, serious
    # keyboard: Escape closes the panel and gives the focus back to the launcher
    chat.root.locator("#ipa-input").press("Escape")
    launcher = chat.page.get_by_role("button", name=OPEN_ZH if locale == "zh-CN" else OPEN_EN)
    assert launcher.is_visible()
    assert chat.page.evaluate("() => document.activeElement.id") == "ip-assistant-chat"
    assert chat.page.evaluate(
        "() => document.querySelector('#ip-assistant-chat').shadowRoot.activeElement.classList.contains('launcher')"
    )
