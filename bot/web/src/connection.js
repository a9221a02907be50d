// Rasa's socket.io channel: session handshake, messages both ways, reconnection (by socket.io-client).
import { io } from "socket.io-client";

/**
 * Connect to the Rasa server and report what happens through the callbacks:
 * onStatus("connecting" | "online" | "offline"), onBotMessage(message).
 * A message can only be sent once the server has confirmed the session, so that the reply
 * reaches this page (Rasa answers to the session's room).
 */
export function connect(serverUrl, getSessionId, { onStatus, onBotMessage }) {
  let ready = false;
  const socket = io(serverUrl, {
    transports: ["websocket"],
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 4000,
    timeout: 8000,
  });
  onStatus("connecting");
  socket.on("connect", () => socket.emit("session_request", { session_id: getSessionId() }));
  socket.on("session_confirm", () => {
    ready = true;
    onStatus("online");
  });
  socket.on("bot_uttered", (message) => {
    if (message && typeof message === "object") onBotMessage(message);
  });
  const offline = () => {
    ready = false;
    onStatus("offline");
  };
  socket.on("disconnect", offline);
  socket.on("connect_error", offline);

  return {
    get ready() {
      return ready;
    },
    /** Returns false (and sends nothing) when the server is not reachable right now. */
    send(text, metadata) {
      if (!ready) return false;
      socket.emit("user_uttered", { message: text, session_id: getSessionId(), metadata });
      return true;
    },
    /** A new session id (after "clear"): ask the server to move this socket to it. */
    renewSession() {
      if (socket.connected) socket.emit("session_request", { session_id: getSessionId() });
    },
  };
}
