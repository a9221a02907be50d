// Turning Rasa's bot_uttered events into the widget's stored messages, and messages into bubbles.
import { el, safeUrl } from "./dom.js";
import { textLanguage } from "./i18n.js";

/**
 * Fold one bot_uttered event into the message list. An event with text or buttons is a new bot
 * message, together with its custom payload (an answer's citations, a ticket number) when it has
 * one. A custom payload alone (sent on its own by older servers, as in conversations stored then)
 * belongs to the bot message before it, whose bubble is drawn again.
 */
export function applyBotEvent(messages, event) {
  const custom = event.custom && typeof event.custom === "object" ? event.custom : null;
  const text = typeof event.text === "string" ? event.text : "";
  const buttons = Array.isArray(event.quick_replies || event.buttons)
    ? (event.quick_replies || event.buttons)
        .filter((b) => b && typeof b.title === "string" && typeof b.payload === "string")
        .map((b) => ({ title: b.title, payload: b.payload }))
    : [];
  if (text || buttons.length) {
    const message = { from: "bot", text, buttons, lang: textLanguage(text), at: Date.now() };
    if (custom) applyCustom(message, custom);
    messages.push(message);
    return true;
  }
  if (!custom) return false;
  const last = [...messages].reverse().find((m) => m.from === "bot");
  if (!last || !applyCustom(last, custom)) return false;
  last.rev = (last.rev || 0) + 1; // its bubble is drawn again with the sources or the number
  return true;
}

/** Attach what a custom payload carries to its message; false when it is nothing the page shows. */
function applyCustom(message, custom) {
  // What a 👍/👎 on this reply names (an answer, or a "not covered"); only an id the server made (hex).
  const rateable = typeof custom.answer_id === "string" && /^[0-9a-f]{32}$/.test(custom.answer_id);
  if (rateable) message.answerId = custom.answer_id;
  if (custom.type === "rateable") return rateable;
  if (custom.type === "citations" && Array.isArray(custom.citations)) {
    message.citations = custom.citations.slice(0, 5).map((c) => ({
      title: String(c.title || ""),
      section: String(c.section || ""),
      source: String(c.source || ""),
      url: safeUrl(c.source_url) || "",
      updated: /^\d{4}-\d{2}-\d{2}$/.test(String(c.updated || "")) ? String(c.updated) : "",
    }));
    return true;
  }
  if (custom.type === "ticket" && typeof custom.number === "string") {
    message.ticket = custom.number;
    return true;
  }
  return false;
}

/** One message as a list item: who said it (for screen readers), the text, then its extras. */
export function renderMessage(message, strings, { onButton, onCopy, onFeedback, buttonsActive }) {
  const fromBot = message.from === "bot";
  const lang = message.lang === "en" ? "en" : "zh-CN";
  const bubble = el("div", { class: "bubble", lang }, [message.text || ""]);
  const item = el("li", { class: `message ${fromBot ? "from-bot" : "from-user"}` }, [
    el("span", { class: "sr-only" }, [`${fromBot ? strings.bot : strings.you}: `]),
    bubble,
  ]);
  if (fromBot && message.citations && message.citations.length) {
    item.append(renderSources(message.citations, strings));
  }
  if (fromBot && message.ticket) {
    item.append(renderTicket(message.ticket, strings, onCopy));
  }
  if (fromBot && message.answerId && onFeedback) {
    item.append(renderFeedback(message, strings, onFeedback));
  }
  if (fromBot && message.buttons && message.buttons.length) {
    const group = el("div", { class: "buttons", role: "group", "aria-label": message.text.slice(0, 60) });
    for (const button of message.buttons) {
      group.append(
        el(
          "button",
          {
            type: "button",
            class: "quick-reply",
            disabled: !buttonsActive,
            onclick: () => onButton(button),
          },
          [button.title],
        ),
      );
    }
    item.append(group);
  }
  return item;
}

function renderSources(citations, strings) {
  const list = el("ol", { class: "sources-list" });
  for (const citation of citations) {
    const label = citation.section ? `${citation.title} › ${citation.section}` : citation.title;
    const url = safeUrl(citation.url); // again here: saved messages come back from localStorage
    const title = url
      ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, [label])
      : el("span", { class: "source-title" }, [label]);
    const origin = [citation.source, citation.updated ? `${strings.updated} ${citation.updated}` : ""].filter(Boolean).join(" · ");
    list.append(el("li", {}, [title, origin ? el("span", { class: "source-origin" }, [origin]) : null]));
  }
  return el("div", { class: "sources", role: "note", "aria-label": strings.sources }, [
    el("span", { class: "sources-heading", "aria-hidden": "true" }, [strings.sources]),
    list,
  ]);
}

function renderTicket(number, strings, onCopy) {
  return el("div", { class: "ticket" }, [
    el("span", {}, [`${strings.ticket}: `]),
    el("strong", { class: "ticket-number" }, [number]),
    el("button", { type: "button", class: "copy", onclick: (e) => onCopy(number, e.currentTarget) }, [strings.copy]),
  ]);
}

export const FEEDBACK_REASONS = ["wrong", "outdated", "not_asked", "other"];

/**
 * 👍 / 👎 under a knowledge answer. 👎 opens a short form: a reason (optional) and a comment (optional).
 * Real buttons and a fieldset with a legend, so keyboards and screen readers can use it; once sent,
 * the controls give way to a note that says so.
 */
function renderFeedback(message, strings, onFeedback) {
  if (message.feedback) {
    return el("p", { class: "feedback-done", role: "status" }, [strings.feedbackThanks]);
  }
  const box = el("div", { class: "feedback", role: "group", "aria-label": strings.feedbackLabel });
  const form = el("form", { class: "feedback-form", hidden: true });
  const up = el(
    "button",
    { type: "button", class: "rate up", onclick: () => onFeedback(message, "up") },
    [el("span", { "aria-hidden": "true" }, ["👍 "]), strings.helpful],
  );
  const down = el(
    "button",
    {
      type: "button",
      class: "rate down",
      "aria-expanded": "false",
      onclick: () => {
        form.hidden = !form.hidden;
        down.setAttribute("aria-expanded", String(!form.hidden));
        if (!form.hidden) form.querySelector("input").focus();
      },
    },
    [el("span", { "aria-hidden": "true" }, ["👎 "]), strings.notHelpful],
  );
  const name = `ipa-reason-${message.answerId}`;
  const fieldset = el("fieldset", {}, [el("legend", {}, [strings.reasonQuestion])]);
  for (const reason of FEEDBACK_REASONS) {
    const id = `${name}-${reason}`;
    fieldset.append(
      el("div", { class: "reason" }, [
        el("input", { type: "radio", name, id, value: reason }),
        el("label", { for: id }, [strings.reasons[reason]]),
      ]),
    );
  }
  const commentId = `ipa-comment-${message.answerId}`;
  const comment = el("textarea", { id: commentId, rows: "2", maxlength: "300", class: "feedback-comment" });
  form.append(
    fieldset,
    el("label", { for: commentId, class: "comment-label" }, [strings.commentLabel]),
    comment,
    el("button", { type: "submit", class: "feedback-send" }, [strings.feedbackSend]),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = form.querySelector("input[type=radio]:checked");
    onFeedback(message, "down", chosen ? chosen.value : "", comment.value.trim());
  });
  box.append(up, down, form);
  return box;
}
