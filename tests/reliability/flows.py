"""Conversations the reliability tests hold with the production shape."""

from __future__ import annotations

import re

TICKET_STEPS = [
    ("我想开个工单", "哪类事项"),
    ("纠纷调解", "企业"),
    ("上海示例科技有限公司", "联系人"),
    ("张三", "联系电话"),
    ("13812345678", "统一社会信用代码"),
    ("跳过", "描述"),
    ("有网店销售仿冒我们专利的产品，希望申请调解。", "建议由"),
    ("好", "同意吗"),
    ("同意", "请核对工单信息"),
]
CONFIRM = "确认"
NUMBER = re.compile(r"PT-\d{8}-\d{4}")
QUESTIONS = [
    "商标侵权怎么举报？",
    "专利纠纷可以申请行政调解吗",
    "How can a foreign company get help with an overseas IP dispute?",
    "商业秘密被员工带走了怎么办",
    "What does the plan say about e-commerce platforms?",
    "中以创新园的维权援助工作站在哪里",
]
