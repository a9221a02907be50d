"""Table tests of the ticket domain's validators: what users type into the ticket form, checked and masked."""

from __future__ import annotations

import pytest

from tickets.validators import (
    clean_description,
    clean_name,
    credit_code_check_character,
    find_email,
    find_phone,
    find_ticket_number,
    mask_email,
    mask_phone,
    valid_credit_code,
)


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 13812345678", "13812345678"),
        ("我的电话是19912345678，谢谢", "19912345678"),
        ("021-62345678", "021-62345678"),
        ("(021) 6234 5678", "021-62345678"),
        ("0571-8765432", "0571-8765432"),
        ("座机 010 12345678 转 8", "010-12345678"),
        ("12812345678", None),  # no mobile prefix 12
        ("1381234567", None),  # 10 digits
        ("138123456789", None),  # 12 digits
        ("62345678", None),  # landline without area code
        ("12345", None),
        ("", None),
    ],
)
def test_phone_numbers(text: str, phone: str | None) -> None:
    assert find_phone(text) == phone


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("anna@example.com", "anna@example.com"),
        ("Mail: Zhang.San+ip@Example.COM.cn please", "zhang.san+ip@example.com.cn"),
        ("邮箱是 li＠corp.cn", "li@corp.cn"),
        ("anna@example", None),
        ("@example.com", None),
        ("anna at example dot com", None),
    ],
)
def test_email_addresses(text: str, email: str | None) -> None:
    assert find_email(text) == email


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("91350100M000100Y43", "91350100M000100Y43"),
        ("91350100m000100y43", "91350100M000100Y43"),  # lower case accepted
        ("9135 0100 M000 100Y 43", "91350100M000100Y43"),  # spaces accepted
        ("91350100M000100Y44", None),  # wrong check character
        ("91350100M000100Y4", None),  # 17 characters
        ("91350100M000100I43", None),  # I is not in the alphabet
        ("", None),
    ],
)
def test_unified_social_credit_codes(text: str, code: str | None) -> None:
    assert valid_credit_code(text) == code


def test_check_character_is_computed_per_gb_32100() -> None:
    assert credit_code_check_character("91350100M000100Y4") == "3"
    for first17 in ("91310000MA1FL0000", "12100000400000770"):
        assert valid_credit_code(first17 + credit_code_check_character(first17))


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("PT-20261127-0042", "PT-20261127-0042"),
        ("status of pt 20261127 0042?", "PT-20261127-0042"),
        ("PT202611270042", "PT-20261127-0042"),
        ("PT-2026112-0042", None),
        ("my ticket", None),
    ],
)
def test_ticket_numbers(text: str, number: str | None) -> None:
    assert find_ticket_number(text) == number


def test_names_and_descriptions() -> None:
    assert clean_name("  上海示例  科技有限公司 ") == "上海示例 科技有限公司"
    assert clean_name("1") is None and clean_name("12345") is None and clean_name("x" * 101) is None
    assert clean_description("太短了") is None
    assert clean_description("对方在网上销售假冒我们商标的商品。") is not None
    assert clean_description("很" * 2001) is None


def test_masks() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("021-62345678") == "021****5678"
    assert mask_email("anna@example.com") == "a***@example.com"
    assert mask_phone(None) == "" and mask_email(None) == ""
