// Every visible or spoken string of the widget, in both languages of the assistant.
export const STRINGS = {
  zh: {
    htmlLang: "zh-CN",
    title: "知识产权保护服务助手",
    subtitle: "普陀区市场监管局 · 在线咨询",
    open: "打开知识产权在线咨询",
    close: "关闭对话窗口",
    clear: "清空",
    clearLabel: "清空对话",
    clearConfirm: "确定清空当前对话吗？",
    switchTo: "English",
    switchLabel: "Switch to English",
    log: "对话记录",
    inputLabel: "输入您的问题",
    placeholder: "请输入您的问题，按 Enter 发送",
    send: "发送",
    you: "您",
    bot: "助手",
    typing: "助手正在输入…",
    connecting: "正在连接服务器…",
    offline: "暂时无法连接服务器，正在自动重连。您的对话已保存，恢复后可继续。",
    online: "已重新连接，可以继续对话。",
    sources: "来源",
    updated: "更新于",
    ticket: "工单号",
    copy: "复制",
    copied: "已复制",
    tooLong: "消息太长，请精简到 {max} 字以内。",
    privacy: "请勿发送与咨询无关的个人信息。",
    feedbackLabel: "这个回答有帮助吗？",
    helpful: "有帮助",
    notHelpful: "没有帮助",
    reasonQuestion: "哪里不好？（可选）",
    reasons: { wrong: "回答不正确", outdated: "内容过时", not_asked: "不是我问的", other: "其他" },
    commentLabel: "补充说明（可选）",
    feedbackSend: "提交反馈",
    feedbackThanks: "已收到您的反馈，谢谢。",
  },
  en: {
    htmlLang: "en",
    title: "IP Protection Assistant",
    subtitle: "Putuo District Administration for Market Regulation",
    open: "Open the IP protection chat",
    close: "Close the chat window",
    clear: "Clear",
    clearLabel: "Clear conversation",
    clearConfirm: "Clear this conversation?",
    switchTo: "中文",
    switchLabel: "切换到中文",
    log: "Conversation",
    inputLabel: "Type your question",
    placeholder: "Type your question, press Enter to send",
    send: "Send",
    you: "You",
    bot: "Assistant",
    typing: "The assistant is typing…",
    connecting: "Connecting to the server…",
    offline: "Cannot reach the server; reconnecting automatically. Your conversation is kept and will continue.",
    online: "Connected again; you can continue.",
    sources: "Sources",
    updated: "updated",
    ticket: "Ticket number",
    copy: "Copy",
    copied: "Copied",
    tooLong: "This message is too long; please keep it under {max} characters.",
    privacy: "Please do not send personal data the question does not need.",
    feedbackLabel: "Was this answer helpful?",
    helpful: "Helpful",
    notHelpful: "Not helpful",
    reasonQuestion: "What was wrong? (optional)",
    reasons: { wrong: "The answer is wrong", outdated: "It is outdated", not_asked: "Not what I asked", other: "Other" },
    commentLabel: "Anything to add? (optional)",
    feedbackSend: "Send feedback",
    feedbackThanks: "Thank you, your feedback was received.",
  },
};

export const LANGUAGES = ["zh", "en"];

/** The browser's preferred language, narrowed to the two the assistant speaks. */
export function browserLanguage(navigatorLike = globalThis.navigator) {
  const preferred = (navigatorLike && (navigatorLike.languages || [navigatorLike.language])) || [];
  for (const tag of preferred) {
    const prefix = String(tag || "").toLowerCase().slice(0, 2);
    if (LANGUAGES.includes(prefix)) return prefix;
  }
  return "zh";
}

/**
 * The language a piece of text is written in, by the assistant's one rule (bilingual/__init__.py, tested
 * against bilingual/cases.json): Chinese when its CJK characters weigh at least as much as its English words,
 * an English word counting as two characters; null when it has neither.
 */
export function textLanguage(text) {
  const value = String(text ?? "");
  const cjk = (value.match(/[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/g) || []).length;
  const words = (value.match(/[A-Za-z]{2,}/g) || []).length;
  if (cjk === 0 && words === 0) return null;
  return cjk / 2 >= words ? "zh" : "en";
}
