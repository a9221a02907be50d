"""A page object for the chat widget, so the tests read as what a visitor does."""

from __future__ import annotations

from typing import List, Optional

from tests.browser.conftest import REPLY_TIMEOUT_MS

BOT_TEXTS_JS = """() => {
  const host = document.querySelector('#ip-assistant-chat');
  if (!host || !host.shadowRoot) return [];
  return [...host.shadowRoot.querySelectorAll('.from-bot .bubble')].map(b => b.textContent);
}"""

STORAGE_KEY = "ip-assistant-chat-v1"  # as in bot/web/src/storage.js

# The latest bot message shows its sources, and localStorage holds it with them (what a reload restores).
SOURCES_SAVED_JS = """(key) => {
  const host = document.querySelector('#ip-assistant-chat');
  const shown = host && host.shadowRoot ? [...host.shadowRoot.querySelectorAll('.from-bot')].pop() : null;
  if (!shown || !shown.querySelector('.sources li')) return false;
  let saved = null;
  try { saved = JSON.parse(localStorage.getItem(key) || 'null'); } catch (_) { return false; }
  const bots = ((saved && saved.messages) || []).filter(m => m.from === 'bot');
  const last = bots[bots.length - 1];
  return !!last && last.text === shown.querySelector('.bubble').textContent
    && Array.isArray(last.citations) && last.citations.length > 0;
}"""


class Chat:
    def __init__(self, page: object) -> None:
        self.page = page
        self.root = page.locator("#ip-assistant-chat")

    # --- what a visitor sees ---
    def bot_texts(self) -> List[str]:
        return self.page.evaluate(BOT_TEXTS_JS)

    def user_texts(self) -> List[str]:
        return self.root.locator(".from-user .bubble").all_text_contents()

    def last_bot(self) -> object:
        return self.root.locator(".from-bot").last

    def status(self) -> object:
        return self.root.locator(".status")

    # --- what a visitor does ---
    def open(self, launcher_name: str) -> None:
        self.page.get_by_role("button", name=launcher_name).click()

    def wait_for_reply(self, before: int, containing: Optional[str] = None) -> str:
        """Wait until a new bot message arrives (one containing ``containing``, when given)."""
        self.page.wait_for_function(
            """([before, containing]) => {
              const host = document.querySelector('#ip-assistant-chat');
              const texts = [...host.shadowRoot.querySelectorAll('.from-bot .bubble')].map(b => b.textContent);
              if (texts.length <= before) return false;
              return !containing || texts.slice(before).some(t => t.includes(containing));
            }""",
            arg=[before, containing],
            timeout=REPLY_TIMEOUT_MS,
        )
        return "\n".join(self.bot_texts()[before:])

    def wait_for_saved_sources(self) -> None:
        """Wait until the latest bot message is shown with its sources and stored with them."""
        self.page.wait_for_function(SOURCES_SAVED_JS, arg=STORAGE_KEY, timeout=REPLY_TIMEOUT_MS)

    def say(self, text: str, expect: Optional[str] = None) -> str:
        before = len(self.bot_texts())
        box = self.root.locator("#ipa-input")
        box.fill(text)
        box.press("Enter")
        return self.wait_for_reply(before, expect)

    def click(self, title: str, expect: Optional[str] = None) -> str:
        before = len(self.bot_texts())
        self.last_bot().get_by_role("button", name=title, exact=True).click()
        return self.wait_for_reply(before, expect)

    def click_first(self, expect: Optional[str] = None) -> str:
        """Click the first (recommended) button under the latest bot message."""
        before = len(self.bot_texts())
        self.last_bot().locator(".quick-reply").first.click()
        return self.wait_for_reply(before, expect)
