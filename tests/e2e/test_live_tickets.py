"""A ticket opened in one natural conversation over REST, read back by staff, then looked up by the user."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.launch.pilot import Servers
from tests.e2e.conftest import say, text_of

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def staff(servers: Servers, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **servers.extra_env}
    result = subprocess.run(
        [sys.executable, "-m", "tickets", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_chinese_user_opens_a_ticket_and_later_checks_it(servers: Servers) -> None:
    user = "ticket-zh"
    conversation = [
        ("我想开个工单", "哪类事项"),
        ("纠纷调解", "企业"),
        ("上海示例科技有限公司", "联系人"),
        ("张三", "联系电话"),
        ("我的手机是 138-1234-5678", "统一社会信用代码"),
        ("跳过", "描述"),
        ("有网店销售仿冒我们专利的产品，希望申请调解。", "建议由"),
        ("好", "同意吗"),
        ("同意", "请核对工单信息"),
    ]
    for message, expected in conversation:
        reply = text_of(say(servers, user, message))
        assert expected in reply, (message, reply)
    replies = say(servers, user, "确认")
    reply = text_of(replies)
    number = re.search(r"PT-\d{8}-\d{4}", reply).group(0)
    assert "工单已提交" in reply and any((r.get("custom") or {}).get("number") == number for r in replies)

    # staff see it (contact masked in the list) and move it on
    listing = staff(servers, "list")
    assert number in listing and "138****5678" in listing and "13812345678" not in listing
    assert "上海示例科技有限公司" in staff(servers, "show", number)
    staff(servers, "--actor", "li.si", "assign", number, "li.si")

    # the user looks it up: wrong digits first, then the right ones
    assert "工单编号" in text_of(say(servers, "lookup-zh", "查一下我的工单"))
    assert "后四位" in text_of(say(servers, "lookup-zh", number))
    assert "不匹配" in text_of(say(servers, "lookup-zh", "0000"))
    status = text_of(say(servers, "lookup-zh", "5678"))
    assert number in status and "已分派给工作人员" in status

    # personal data never reaches the servers' logs
    logs = "".join(p.read_text(errors="replace") for p in servers.log_dir.glob("*.log"))
    assert f"ticket {number} saved" in logs  # the logs record the ticket...
    for secret in ("13812345678", "138-1234-5678", "张三"):
        assert secret not in logs  # ...but not who asked for it


def test_an_english_user_cancels_and_nothing_is_saved(servers: Servers) -> None:
    before = staff(servers, "list").splitlines()[-1]
    assert "What is it about?" in text_of(say(servers, "ticket-en", "I'd like to open an assistance ticket"))
    assert "company" in text_of(say(servers, "ticket-en", "trade secret"))
    assert "cancelled" in text_of(say(servers, "ticket-en", "cancel"))
    assert staff(servers, "list").splitlines()[-1] == before


def test_a_rating_sent_while_the_ticket_form_asks_is_recorded_and_the_form_asks_again(
    servers: Servers,
) -> None:
    """The 👍/👎 under an earlier answer stays clickable while a form runs: it is a rating, not a form value."""
    user = "ticket-rating"
    answer = say(servers, user, "商标侵权怎么举报？")
    answer_id = next((r.get("custom") or {}).get("answer_id") for r in answer if r.get("custom"))
    assert answer_id
    assert "哪类事项" in text_of(say(servers, user, "我想开个工单"))
    payload = "/feedback" + json.dumps({"answer_id": answer_id, "rating": "down", "reason": "wrong"})
    reply = text_of(say(servers, user, payload))
    assert "谢谢" in reply and "哪类事项" in reply, reply  # thanked, then the same question again
    assert "企业" in text_of(say(servers, user, "纠纷调解"))  # the form goes on from where it was
