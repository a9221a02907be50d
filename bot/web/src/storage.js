// The conversation survives a page reload: session id, language and messages in localStorage.
const KEY = "ip-assistant-chat-v1";
const MAX_MESSAGES = 200;

function newSessionId() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
  return Math.random().toString(16).slice(2) + Date.now().toString(16);
}

/** Read the saved state; anything unreadable starts a fresh conversation instead of failing. */
export function loadState(defaultLanguage) {
  let saved = null;
  try {
    saved = JSON.parse(localStorage.getItem(KEY) || "null");
  } catch (_) {
    saved = null;
  }
  const fresh = { sessionId: newSessionId(), language: defaultLanguage, messages: [], open: false };
  if (!saved || typeof saved !== "object" || typeof saved.sessionId !== "string") return fresh;
  return {
    sessionId: saved.sessionId,
    language: saved.language === "en" || saved.language === "zh" ? saved.language : defaultLanguage,
    messages: Array.isArray(saved.messages) ? saved.messages.slice(-MAX_MESSAGES) : [],
    open: saved.open === true,
  };
}

export function saveState(state) {
  try {
    const { sessionId, language, open } = state;
    const messages = state.messages.slice(-MAX_MESSAGES);
    localStorage.setItem(KEY, JSON.stringify({ sessionId, language, open, messages }));
  } catch (_) {
    // Private mode or a full quota: the chat still works, it just will not survive a reload.
  }
}

export function resetState(state) {
  state.sessionId = newSessionId();
  state.messages = [];
  saveState(state);
}
