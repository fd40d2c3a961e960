// The page's one JSON-RPC connection: the socket API's protocol (docs/api.md), one message per WebSocket frame.

/** The WebSocket URL of the API on the page's own origin. */
export function apiUrl() {
  return (location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host + '/api';
}

export class Rpc {
  constructor() {
    this.next = 1;
    this.waiting = new Map();
    this.listeners = [];
    this.closeListeners = [];
  }

  /** Opens the connection; resolves once it is open. */
  open() {
    return new Promise((resolve, reject) => {
      this.ws = new WebSocket(apiUrl());
      this.ws.onopen = () => resolve(this);
      this.ws.onerror = () => reject(new Error('cannot reach the lab (is it still up?)'));
      this.ws.onmessage = (m) => this.message(JSON.parse(m.data));
      this.ws.onclose = () => {
        for (const [, w] of this.waiting) w.reject(new Error('the connection to the lab closed'));
        this.waiting.clear();
        this.closeListeners.forEach((f) => f());
      };
    });
  }

  message(msg) {
    if (msg.id === undefined || msg.id === null) {
      if (msg.method === 'event') this.listeners.forEach((f) => f(msg.params));
      return;
    }
    const w = this.waiting.get(msg.id);
    if (!w) return;
    this.waiting.delete(msg.id);
    if (msg.error) w.reject(new Error(msg.error.message));
    else w.resolve(msg.result);
  }

  /** Calls a method; the promise fails with the server's error message. */
  call(method, params) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params: params || {} }));
    });
  }

  onEvent(f) { this.listeners.push(f); }
  onClose(f) { this.closeListeners.push(f); }
}
