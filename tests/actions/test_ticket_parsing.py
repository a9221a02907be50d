"""Table tests of how the ticket form reads a user's words: request types, yes or no, the field to change."""

from __future__ import annotations

import pytest

from actions.ticket_parsing import field_to_change, parse_request_type, parse_yes_no, without_contact_details


def test_a_name_typed_with_contact_details_keeps_the_name_only() -> None:
    assert without_contact_details("上海示例科技有限公司，电话13812345678") == "上海示例科技有限公司"
    assert without_contact_details("Anna, anna@example.com") == "Anna"


@pytest.mark.parametrize(
    ("text", "request_type"),
    [
        ("侵权举报", "infringement_report"),
        ("纠纷调解", "mediation"),
        ("海外纠纷", "overseas_dispute"),
        ("商业秘密", "trade_secret"),
        ("其他", "other"),
        ("infringement report", "infringement_report"),
        ("overseas dispute", "overseas_dispute"),
        ("2", "mediation"),
        ("mediation", "mediation"),
        ("天气", None),
    ],
)
def test_request_types(text: str, request_type: str | None) -> None:
    assert parse_request_type(text) == request_type


def test_yes_no_and_fields() -> None:
    assert parse_yes_no("确认", None) is True and parse_yes_no("yes", None) is True
    assert parse_yes_no("不同意", None) is False and parse_yes_no("no", None) is False
    assert parse_yes_no("嗯嗯", "affirm") is True and parse_yes_no("whatever", None) is None
    assert (
        field_to_change("修改电话") == "contact"
        and field_to_change("change the company name") == "company_name"
    )
    assert field_to_change("描述写错了") == "description" and field_to_change("hmm") is None
