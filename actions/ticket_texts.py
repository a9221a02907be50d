"""Texts of the ticket and status conversations that are built in code (summaries, errors), in zh and en.

Fixed prompts live in domain.yml as responses; these are the ones that carry values.
"""

from __future__ import annotations

from typing import Dict

REQUEST_TYPE_LABELS: Dict[str, Dict[str, str]] = {
    "infringement_report": {"zh": "侵权举报", "en": "Infringement report"},
    "mediation": {"zh": "纠纷调解", "en": "Dispute mediation"},
    "overseas_dispute": {"zh": "海外纠纷应对指导", "en": "Overseas dispute guidance"},
    "trade_secret": {"zh": "商业秘密保护", "en": "Trade secret protection"},
    "other": {"zh": "其他", "en": "Other"},
}

STATUS_LABELS: Dict[str, Dict[str, str]] = {
    "new": {"zh": "已受理，待分派", "en": "received, waiting to be assigned"},
    "assigned": {"zh": "已分派给工作人员", "en": "assigned to a staff member"},
    "in_progress": {"zh": "处理中", "en": "in progress"},
    "resolved": {"zh": "已办结", "en": "resolved"},
    "closed": {"zh": "已关闭", "en": "closed"},
}

FIELD_LABELS: Dict[str, Dict[str, str]] = {
    "request_type": {"zh": "事项类型", "en": "Request type"},
    "company_name": {"zh": "企业名称", "en": "Company"},
    "contact_person": {"zh": "联系人", "en": "Contact person"},
    "contact": {"zh": "联系方式", "en": "Phone / e-mail"},
    "credit_code": {"zh": "统一社会信用代码", "en": "Unified social credit code"},
    "description": {"zh": "情况描述", "en": "Description"},
    "workstation": {"zh": "工作站", "en": "Workstation"},
}

TEXTS: Dict[str, Dict[str, str]] = {
    "zh": {
        "summary_intro": "请核对工单信息：",
        "summary_outro": "信息无误请点“确认提交”；需要修改请告诉我要改哪一项（例如“修改电话”）；也可以说“取消”。",
        "not_given": "（未提供）",
        "recommend": "根据您的事项，建议由【{name}】受理。\n{details}\n可以直接确认，也可以选择其他工作站：",
        "which_field": "请问要修改哪一项？例如：企业名称、联系人、联系方式、信用代码、情况描述、工作站。",
        "saved": "工单已提交，编号：{number}\n受理工作站：{workstation}\n请保存好工单编号。之后您可以随时说“查询工单”，"
        "凭编号和{secret}查询进度。",
        "secret_phone": "手机号后四位",
        "secret_email": "邮箱地址",
        "save_failed": "抱歉，工单暂时无法保存，您填写的信息没有提交。请稍后再试，或直接联系工作人员。",
        "no_consent": "没有您的同意，我们无法保存联系方式，因此本次工单未提交。如需帮助，可以直接联系工作站。",
        "too_many_failures": "如果不方便提供，可以说“转人工”联系工作人员，或说“取消”结束本次办理。",
        "skip_hint": "这一项是选填的，可以说“跳过”。",
        "status": "工单 {number}\n事项：{type}\n状态：{status}\n最近更新：{updated}",
        "status_note": "工作人员备注：{note}",
        "lookup_failed": "工单编号或验证信息不匹配，本次查询已结束。如有疑问请联系工作站工作人员。",
        "verify_wrong": "工单编号或验证信息不匹配，请再试一次（还可以尝试 {left} 次）。",
    },
    "en": {
        "summary_intro": "Please check your ticket:",
        "summary_outro": 'If everything is right, press "Submit". To change something, tell me what (e.g. "change '
        'phone"). You can also say "cancel".',
        "not_given": "(not given)",
        "recommend": "For this request we suggest the {name}.\n{details}\nYou can accept it or choose another "
        "workstation:",
        "which_field": "Which item would you like to change? For example: company, contact person, phone/e-mail, "
        "credit code, description, workstation.",
        "saved": "Your ticket has been submitted. Ticket number: {number}\nWorkstation: {workstation}\nPlease keep "
        'the number. You can ask "check my ticket" at any time and get its status with the number and {secret}.',
        "secret_phone": "the last four digits of your phone",
        "secret_email": "your e-mail address",
        "save_failed": "Sorry, the ticket could not be saved right now, and nothing was submitted. Please try again "
        "later or contact the staff directly.",
        "no_consent": "Without your consent we cannot keep your contact details, so the ticket was not submitted. "
        "You can contact a workstation directly.",
        "too_many_failures": 'If this is difficult, say "talk to staff" to reach a person, or "cancel" to stop.',
        "skip_hint": 'This item is optional: you can say "skip".',
        "status": "Ticket {number}\nRequest: {type}\nStatus: {status}\nLast update: {updated}",
        "status_note": "Staff note: {note}",
        "lookup_failed": "The ticket number or the verification does not match, so this lookup has ended. Please "
        "contact the workstation if you need help.",
        "verify_wrong": "The ticket number or the verification does not match. Please try again ({left} tries left).",
    },
}


def text(language: str, key: str, **values: object) -> str:
    return TEXTS["en" if language == "en" else "zh"][key].format(**values)
