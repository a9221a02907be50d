"""Every text the custom actions write themselves, in Chinese and English: the one catalogue.

Fixed replies live in ``domain.yml`` as Rasa responses (chosen by the ``language`` slot); the texts here are
the ones actions build with values (summaries, ticket numbers, citations, the workstation list) and the
labels they show. One nesting order everywhere: key, then language. An English conversation gets the
``en`` text, any other the Chinese one.
"""

from __future__ import annotations

from typing import Dict, Mapping

Bilingual = Dict[str, str]  # {"zh": ..., "en": ...}

REQUEST_TYPE_LABELS: Dict[str, Bilingual] = {
    "infringement_report": {"zh": "侵权举报", "en": "Infringement report"},
    "mediation": {"zh": "纠纷调解", "en": "Dispute mediation"},
    "overseas_dispute": {"zh": "海外纠纷应对指导", "en": "Overseas dispute guidance"},
    "trade_secret": {"zh": "商业秘密保护", "en": "Trade secret protection"},
    "other": {"zh": "其他", "en": "Other"},
}

STATUS_LABELS: Dict[str, Bilingual] = {
    "new": {"zh": "已受理，待分派", "en": "received, waiting to be assigned"},
    "assigned": {"zh": "已分派给工作人员", "en": "assigned to a staff member"},
    "in_progress": {"zh": "处理中", "en": "in progress"},
    "resolved": {"zh": "已办结", "en": "resolved"},
    "closed": {"zh": "已关闭", "en": "closed"},
}

FIELD_LABELS: Dict[str, Bilingual] = {
    "request_type": {"zh": "事项类型", "en": "Request type"},
    "company_name": {"zh": "企业名称", "en": "Company"},
    "contact_person": {"zh": "联系人", "en": "Contact person"},
    "contact": {"zh": "联系方式", "en": "Phone / e-mail"},
    "credit_code": {"zh": "统一社会信用代码", "en": "Unified social credit code"},
    "description": {"zh": "情况描述", "en": "Description"},
    "workstation": {"zh": "工作站", "en": "Workstation"},
}

TEXTS: Dict[str, Bilingual] = {
    # the ticket form and the status lookup
    "summary_intro": {
        "zh": "请核对工单信息：",
        "en": "Please check your ticket:",
    },
    "summary_outro": {
        "zh": "信息无误请点“确认提交”；需要修改请告诉我要改哪一项（例如“修改电话”）；也可以说“取消”。",
        "en": 'If everything is right, press "Submit". To change something, tell me what (e.g. "change phone"). You can also say "cancel".',
    },
    "not_given": {
        "zh": "（未提供）",
        "en": "(not given)",
    },
    "recommend": {
        "zh": "根据您的事项，建议由【{name}】受理。\n{details}\n可以直接确认，也可以选择其他工作站：",
        "en": "For this request we suggest the {name}.\n{details}\nYou can accept it or choose another workstation:",
    },
    "which_field": {
        "zh": "请问要修改哪一项？例如：企业名称、联系人、联系方式、信用代码、情况描述、工作站。",
        "en": "Which item would you like to change? For example: company, contact person, phone/e-mail, credit code, description, workstation.",
    },
    "saved": {
        "zh": "工单已提交，编号：{number}\n受理工作站：{workstation}\n请保存好工单编号。之后您可以随时说“查询工单”，凭编号和{secret}查询进度。",
        "en": 'Your ticket has been submitted. Ticket number: {number}\nWorkstation: {workstation}\nPlease keep the number. You can ask "check my ticket" at any time and get its status with the number and {secret}.',
    },
    "secret_phone": {
        "zh": "手机号后四位",
        "en": "the last four digits of your phone",
    },
    "secret_email": {
        "zh": "邮箱地址",
        "en": "your e-mail address",
    },
    "save_failed": {
        "zh": "抱歉，工单暂时无法保存，您填写的信息没有提交。请稍后再试，或直接联系工作人员。",
        "en": "Sorry, the ticket could not be saved right now, and nothing was submitted. Please try again later or contact the staff directly.",
    },
    "no_consent": {
        "zh": "没有您的同意，我们无法保存联系方式，因此本次工单未提交。如需帮助，可以直接联系工作站。",
        "en": "Without your consent we cannot keep your contact details, so the ticket was not submitted. You can contact a workstation directly.",
    },
    "too_many_failures": {
        "zh": "如果不方便提供，可以说“转人工”联系工作人员，或说“取消”结束本次办理。",
        "en": 'If this is difficult, say "talk to staff" to reach a person, or "cancel" to stop.',
    },
    "skip_hint": {
        "zh": "这一项是选填的，可以说“跳过”。",
        "en": 'This item is optional: you can say "skip".',
    },
    "status": {
        "zh": "工单 {number}\n事项：{type}\n状态：{status}\n最近更新：{updated}",
        "en": "Ticket {number}\nRequest: {type}\nStatus: {status}\nLast update: {updated}",
    },
    "status_note": {
        "zh": "工作人员备注：{note}",
        "en": "Staff note: {note}",
    },
    "lookup_failed": {
        "zh": "工单编号或验证信息不匹配，本次查询已结束。如有疑问请联系工作站工作人员。",
        "en": "The ticket number or the verification does not match, so this lookup has ended. Please contact the workstation if you need help.",
    },
    "verify_wrong": {
        "zh": "工单编号或验证信息不匹配，请再试一次（还可以尝试 {left} 次）。",
        "en": "The ticket number or the verification does not match. Please try again ({left} tries left).",
    },
    "beijing_time": {"zh": "（北京时间）", "en": " (Beijing time)"},
    "label_separator": {"zh": "：", "en": ": "},
    "submit_button": {"zh": "确认提交", "en": "Submit"},
    "cancel_button": {"zh": "取消", "en": "Cancel"},
    # answers
    "answer_intro": {"zh": "根据《{title}》：", "en": 'From "{title}":'},
    "answer_about": {"zh": "关于《{title}》：", "en": 'About "{title}":'},
    "answer_faq": {"zh": "常见问题解答：", "en": "From our frequently asked questions:"},
    "answer_source": {"zh": "来源：{citation}", "en": "Source: {citation}"},
    "answer_see_also": {"zh": "相关内容：《{title}》", "en": 'See also: "{title}"'},
    "answer_other_language": {
        "zh": "（以下内容目前只有英文版本。）",
        "en": "(This passage is available in Chinese only.)",
    },
    "citation": {"zh": "{title}（{source}）", "en": "{title} ({source})"},
    "citation_dated": {
        "zh": "{title}（{source}；更新于 {date}）",
        "en": "{title} ({source}; updated {date})",
    },
    # feedback on answers
    "feedback_thanks_up": {"zh": "谢谢您的反馈！", "en": "Thank you for your feedback!"},
    "feedback_thanks_down": {
        "zh": "谢谢您告诉我们，工作人员会查看这个回答并改进。如需人工帮助，可以开一张援助工单。",
        "en": "Thank you for telling us. Staff will look at this answer and improve it. If you need a person's help, you can open an assistance ticket.",
    },
    "feedback_nothing_to_rate": {
        "zh": "这次对话里还没有可以评价的回答。请先提出您的问题。",
        "en": "There is no answer in this conversation to rate yet. Please ask your question first.",
    },
    # buttons
    "open_ticket_button": {"zh": "开一张援助工单", "en": "Open an assistance ticket"},
    "ask_something_else_button": {"zh": "问其他问题", "en": "Ask something else"},
    # after a "not covered": the documents that came closest
    "related_documents": {
        "zh": "以下文件与您的问题最接近，可以点击查看它们讲了什么：",
        "en": "These documents come closest to your question; choose one to see what it says:",
    },
    "ask_about_document": {"zh": "《{title}》讲了什么？", "en": 'What does "{title}" say?'},
    # the workstation list and the handoff
    "workstations_intro": {
        "zh": "我们的维权工作站和服务窗口：",
        "en": "Our rights-protection workstations and service desks:",
    },
    "example_note": {
        "zh": "注：标有“示例”的名称、地址、时间、电话和受理事项为示例信息，正式上线前由工作人员替换。",
        "en": "Note: details marked as examples are placeholders that staff replace before going live.",
    },
    "example_marker": {"zh": "（示例）", "en": " (example)"},
    "phone_label": {"zh": "电话", "en": "Phone"},
    "services_label": {"zh": "受理事项", "en": "Services"},
    "list_separator": {"zh": "、", "en": ", "},
    "handoff_intro": {"zh": "好的，请直接联系工作人员：", "en": "Of course. You can reach the staff here:"},
    "handoff_outro": {
        "zh": "也可以开一张援助工单，工作人员会与您联系。",
        "en": "You can also open an assistance ticket and the staff will contact you.",
    },
    # capabilities
    "capabilities_intro": {
        "zh": "我是普陀区市场监管局知识产权保护服务的智能助手。我可以：",
        "en": "I am the assistant of the IP protection service of the Putuo District Administration for Market Regulation. I can:",
    },
}


def in_language(texts: Mapping[str, str], language: str) -> str:
    """The English text for an English conversation, the Chinese one otherwise."""
    return texts["en" if language == "en" else "zh"]


def text(language: str, key: str, **values: object) -> str:
    """The catalogue's text ``key`` in ``language``, with ``values`` filled in."""
    return in_language(TEXTS[key], language).format(**values)


def label(labels: Mapping[str, Bilingual], key: str, language: str) -> str:
    """A label of ``labels`` (request types, statuses, fields) in ``language``; the key itself if unknown."""
    return in_language(labels[key], language) if key in labels else key
