// The website chat widget: one <script src=".../widget.js" data-server="https://rasa.example"> tag
// adds a launcher button and a chat panel to any page. Styles live in a shadow root, so the host
// page's CSS and ours cannot interfere.
import { connect } from "./connection.js";
import { el } from "./dom.js";
import { STRINGS, browserLanguage } from "./i18n.js";
import { applyBotEvent, renderMessage } from "./messages.js";
import { loadState, resetState, saveState } from "./storage.js";

const MAX_LENGTH = 2000;
const TYPING_TIMEOUT_MS = 30000;

function scriptConfig() {
  const script = document.currentScript || document.querySelector("script[data-ip-assistant]");
  const src = script ? new URL(script.src, location.href) : new URL(location.href);
  const data = (script && script.dataset) || {};
  const server = data.server || `${location.protocol}//${location.hostname}:5005`;
  const lang = data.lang === "zh" || data.lang === "en" ? data.lang : browserLanguage();
  return { server, lang, base: new URL(".", src).href };
}

function mount(config) {
  const state = loadState(config.lang);
  let status = "connecting";
  let typingTimer = null;

  const host = el("div", { id: "ip-assistant-chat" });
  const root = host.attachShadow({ mode: "open" });
  root.append(el("link", { rel: "stylesheet", href: new URL("widget.css", config.base).href }));

  const launcher = el("button", { type: "button", class: "launcher", "aria-controls": "ipa-panel" });
  const title = el("h2", { id: "ipa-title", class: "title" });
  const subtitle = el("p", { class: "subtitle" });
  const switchButton = el("button", { type: "button", class: "header-button switch" });
  const clearButton = el("button", { type: "button", class: "header-button clear" });
  const closeButton = el("button", { type: "button", class: "header-button close" }, ["×"]);
  const status_ = el("div", { class: "status", role: "status", "aria-live": "polite" });
  const log = el("ol", { class: "log" });
  const typing = el("div", { class: "typing", hidden: true, "aria-hidden": "true" }, [
    el("span", { class: "dot" }),
    el("span", { class: "dot" }),
    el("span", { class: "dot" }),
  ]);
  const typingText = el("span", { class: "sr-only typing-text" });
  const inputLabel = el("label", { for: "ipa-input", class: "sr-only" });
  const input = el("textarea", { id: "ipa-input", rows: "1", maxlength: String(MAX_LENGTH), autocomplete: "off" });
  const sendButton = el("button", { type: "submit", class: "send" });
  const privacy = el("p", { class: "privacy" });
  const form = el("form", { class: "composer" }, [inputLabel, input, sendButton]);
  const panel = el("section", { id: "ipa-panel", class: "panel", role: "dialog", "aria-labelledby": "ipa-title", hidden: true }, [
    el("header", { class: "header" }, [
      el("div", { class: "heading" }, [title, subtitle]),
      el("div", { class: "header-actions" }, [switchButton, clearButton, closeButton]),
    ]),
    status_,
    // The scrolling conversation is a live log, and focusable so that keyboard users can scroll it.
    el("div", { class: "scroller", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0" }, [
      log,
      typing,
      typingText,
    ]),
    form,
    privacy,
  ]);
  root.append(launcher, panel);
  document.body.append(host);

  const strings = () => STRINGS[state.language];

  function applyLanguage() {
    const s = strings();
    panel.setAttribute("lang", s.htmlLang);
    launcher.setAttribute("lang", s.htmlLang);
    launcher.setAttribute("aria-label", s.open);
    launcher.replaceChildren(el("span", { class: "launcher-icon", "aria-hidden": "true" }, ["💬"]), el("span", { class: "launcher-text" }, [s.title]));
    title.textContent = s.title;
    subtitle.textContent = s.subtitle;
    switchButton.textContent = s.switchTo;
    switchButton.setAttribute("aria-label", s.switchLabel);
    switchButton.setAttribute("lang", s.switchTo === "English" ? "en" : "zh-CN");
    clearButton.textContent = s.clear;
    clearButton.setAttribute("aria-label", s.clearLabel);
    closeButton.setAttribute("aria-label", s.close);
    log.parentElement.setAttribute("aria-label", s.log);
    inputLabel.textContent = s.inputLabel;
    input.setAttribute("placeholder", s.placeholder);
    sendButton.textContent = s.send;
    typingText.textContent = typing.hidden ? "" : s.typing;
    privacy.textContent = s.privacy;
    showStatus();
    renderLog(true);
  }

  function showStatus() {
    const s = strings();
    const text = status === "offline" ? s.offline : status === "connecting" ? s.connecting : "";
    status_.textContent = text;
    status_.hidden = !text;
    status_.className = `status ${status}`;
    sendButton.disabled = status !== "online";
  }

  // Rendered messages, kept so that a new message is appended (and announced) alone, not the whole log.
  let rendered = [];

  function renderLog(full = false) {
    if (full || rendered.length > state.messages.length) {
      rendered = [];
      log.replaceChildren();
    }
    state.messages.forEach((message, index) => {
      const rev = message.rev || 0;
      const known = rendered[index];
      if (known && known.rev === rev) return;
      const node = renderMessage(message, strings(), { onButton, onCopy, onFeedback, buttonsActive: true });
      if (known) known.node.replaceWith(node);
      else log.append(node);
      rendered[index] = { node, rev };
    });
    // Only the latest bot message's buttons can be used, and only until the user says something.
    const senders = state.messages.map((m) => m.from);
    const lastUser = senders.lastIndexOf("user");
    const lastBot = senders.lastIndexOf("bot");
    rendered.forEach(({ node }, index) => {
      const active = index > lastUser && index === lastBot;
      node.querySelectorAll(".quick-reply").forEach((button) => {
        button.disabled = !active;
      });
    });
    scrollToEnd();
  }

  function scrollToEnd() {
    const scroller = log.parentElement;
    scroller.scrollTop = scroller.scrollHeight;
  }

  function setTyping(on) {
    typing.hidden = !on;
    typingText.textContent = on ? strings().typing : "";
    clearTimeout(typingTimer);
    if (on) typingTimer = setTimeout(() => setTyping(false), TYPING_TIMEOUT_MS);
    scrollToEnd();
  }

  const connection = connect(config.server, () => state.sessionId, {
    onStatus(next) {
      const wasOffline = status === "offline";
      status = next;
      showStatus();
      if (next !== "online") setTyping(false);
      if (next === "online" && wasOffline) {
        status_.hidden = false;
        status_.textContent = strings().online;
        status_.className = "status online";
        setTimeout(() => status === "online" && showStatus(), 4000);
      }
      if (next === "online" && state.open && !state.messages.length) greet();
    },
    onBotMessage(event) {
      if (applyBotEvent(state.messages, event)) {
        setTyping(false);
        saveState(state);
        renderLog();
      }
    },
  });

  function metadata() {
    // "renders": the page lists an answer's sources itself, so the text can leave its source line out.
    return { language: state.language, page: location.pathname, renders: ["citations"] };
  }

  /** An intent payload that also sets the language (payloads skip Rasa's NLU, and so our detector). */
  function command(intent) {
    return `/${intent}${JSON.stringify({ language: state.language })}`;
  }

  function greet() {
    if (connection.send(command("greet"), metadata())) setTyping(true);
  }

  /** Send what the user typed or clicked; shown as their bubble, kept when the server is away. */
  function say(shown, sent) {
    const s = strings();
    if (sent.length > MAX_LENGTH) {
      status_.hidden = false;
      status_.textContent = s.tooLong.replace("{max}", String(MAX_LENGTH));
      return false;
    }
    if (!connection.send(sent, metadata())) {
      showStatus();
      return false;
    }
    state.messages.push({ from: "user", text: shown, lang: state.language, at: Date.now() });
    saveState(state);
    renderLog();
    setTyping(true);
    return true;
  }

  function onButton(button) {
    say(button.title, button.payload);
    input.focus();
  }

  /** A 👍/👎 on an answer: sent as the feedback intent with the answer's id; no bubble of the user's. */
  function onFeedback(message, rating, reason = "", comment = "") {
    const entities = { answer_id: message.answerId, rating, language: state.language };
    if (reason) entities.reason = reason;
    if (comment) entities.comment = comment.slice(0, 300);
    if (!connection.send(`/feedback${JSON.stringify(entities)}`, metadata())) {
      showStatus();
      return;
    }
    message.feedback = { rating, reason };
    message.rev = (message.rev || 0) + 1;
    saveState(state);
    renderLog();
    setTyping(true);
  }

  async function onCopy(number, button) {
    try {
      await navigator.clipboard.writeText(number);
      button.textContent = strings().copied;
    } catch (_) {
      // Clipboard refused (e.g. an insecure page): the number stays visible and selectable.
    }
  }

  function setOpen(open, moveFocus = true) {
    state.open = open;
    panel.hidden = !open;
    launcher.hidden = open;
    launcher.setAttribute("aria-expanded", String(open));
    saveState(state);
    if (open) {
      if (moveFocus) input.focus();
      scrollToEnd();
      if (!state.messages.length && status === "online") greet();
    } else if (moveFocus) {
      launcher.focus();
    }
  }

  launcher.addEventListener("click", () => setOpen(true));
  closeButton.addEventListener("click", () => setOpen(false));
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") setOpen(false);
  });
  switchButton.addEventListener("click", () => {
    state.language = state.language === "zh" ? "en" : "zh";
    saveState(state);
    applyLanguage();
    // Tell the assistant too, so that its next replies (even to buttons) use the new language.
    if (connection.send(command("switch_language"), metadata())) setTyping(true);
    switchButton.focus();
  });
  clearButton.addEventListener("click", () => {
    if (!window.confirm(strings().clearConfirm)) return;
    resetState(state);
    connection.renewSession();
    renderLog(true);
    if (status === "online") greet();
    input.focus();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    if (say(text, text)) input.value = "";
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  applyLanguage();
  setOpen(state.open, false);
}

const config = scriptConfig();
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", () => mount(config));
} else {
  mount(config);
}
