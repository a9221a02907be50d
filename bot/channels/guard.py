"""Limits every channel applies before a message reaches the assistant: size and rate, with a clear reply.

The replies are in the language of the message (or of the page, from metadata), because no
conversation state is read for a message that is turned away.
"""

from __future__ import annotations

import threading
import time
import unicodedata
from collections import deque
from typing import Any, Deque, Dict, Mapping, Optional, Tuple

from bot.components.language import detect_language
from bot.settings import get_settings

TEXTS = {
    "too_long": {
        "zh": "您的消息太长了（超过 {limit} 个字），请精简后再发送，或分几次发送。",
        "en": "Your message is too long (over {limit} characters). Please shorten it or send it in parts.",
    },
    "too_fast": {
        "zh": "您发送得太快了，请稍等几秒再发。",
        "en": "You are sending messages too quickly. Please wait a few seconds and try again.",
    },
    "empty": {
        "zh": "请输入您想咨询的问题。",
        "en": "Please type your question.",
    },
    "unavailable": {
        "zh": "抱歉，服务暂时不可用，请稍后再试。您之前的对话已保存。",
        "en": "Sorry, the service is temporarily unavailable. Please try again shortly; your conversation is kept.",  # noqa: E501
    },
    "bad_request": {
        "zh": "请求格式不正确：需要 JSON 对象，其中 sender 和 message 为文本。",
        "en": "The request is not valid: send a JSON object whose sender and message are strings.",
    },
}


def reply_language(text: str, metadata: Optional[Mapping[str, Any]] = None) -> str:
    return detect_language((text or "")[:500], metadata) or "zh"


def clean_text(text: str) -> str:
    """Drop control characters (keeping line breaks and tabs), which carry no meaning in a chat."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")


class MessageGuard:
    """Message size and per-sender rate limits (a sliding window), shared by the channels of a process."""

    def __init__(self, max_chars: int = 2000, rate: int = 30, per_seconds: float = 60.0) -> None:
        self.max_chars = max_chars
        self.rate = rate
        self.per_seconds = per_seconds
        self._recent: Dict[str, Deque[float]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls) -> MessageGuard:
        settings = get_settings()
        return cls(
            max_chars=settings.max_message_chars,
            rate=settings.rate_limit_messages,
            per_seconds=settings.rate_limit_seconds,
        )

    def _too_fast(self, sender: str) -> bool:
        now = time.monotonic()
        with self._lock:
            if len(self._recent) > 50_000:  # bound the memory a flood of new senders can take
                self._recent = {s: q for s, q in self._recent.items() if q and now - q[-1] < self.per_seconds}
            window = self._recent.setdefault(sender, deque())
            while window and now - window[0] > self.per_seconds:
                window.popleft()
            if len(window) >= self.rate:
                return True
            window.append(now)
            return False

    def check(
        self, sender: str, text: str, metadata: Optional[Mapping[str, Any]] = None
    ) -> Optional[Tuple[str, str]]:
        """``None`` when the message may go on, else ``(reason, reply)``.

        The reply's language is worked out only for a message that is turned away.
        """
        if len(text) > self.max_chars:
            reason = "too_long"
        elif not text.strip():
            reason = "empty"
        elif self._too_fast(sender):
            reason = "too_fast"
        else:
            return None
        return reason, TEXTS[reason][reply_language(text, metadata)].format(limit=self.max_chars)


_guard: Optional[MessageGuard] = None


def guard() -> MessageGuard:
    global _guard
    if _guard is None:
        _guard = MessageGuard.from_env()
    return _guard
