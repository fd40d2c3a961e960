// A node's console in the page: an xterm.js terminal on its own WebSocket, attached with node.console
// exactly as `netloom console` attaches (docs/api.md, docs/consoles.md): the terminal's size goes with
// the attach and every resize goes in-band (ESC [ 8 ; ROWS ; COLS t); after the answer the connection
// carries the console's bytes both ways (binary frames). All console glue is here.
import { apiUrl } from './rpc.js';

/**
 * Opens node's console in element; onEnd runs when the console connection ends.
 * Returns {close()}.
 */
export function openConsole(element, node, onEnd) {
  // the DOM renderer keeps the text in the page, where tests and screen readers find it
  const term = new window.Terminal({ cols: 80, rows: 20, rendererType: 'dom', fontSize: 13, scrollback: 2000 });
  const size = () => ({ rows: term.rows, cols: term.cols });
  term.open(element);
  const ws = new WebSocket(apiUrl());
  ws.binaryType = 'arraybuffer';
  let attached = false;
  const encoder = new TextEncoder();
  ws.onopen = () => ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'node.console', params: { node, name: 'web view', ...size() } }));
  ws.onmessage = (m) => {
    if (!attached) {
      const answer = JSON.parse(m.data);
      if (answer.error) {
        term.write('\r\n[netloom: ' + answer.error.message + ']\r\n');
        ws.close();
      } else {
        attached = true;
        element.dataset.attached = 'true';
        element.dataset.keyboard = answer.result.keyboard || '';
      }
      return;
    }
    term.write(typeof m.data === 'string' ? m.data : new Uint8Array(m.data));
  };
  term.onResize(({ rows, cols }) => {
    if (attached && ws.readyState === WebSocket.OPEN) ws.send(encoder.encode('\x1b[8;' + rows + ';' + cols + 't'));
  });
  term.onData((data) => {
    if (attached && ws.readyState === WebSocket.OPEN) ws.send(encoder.encode(data));
  });
  ws.onclose = () => {
    element.dataset.attached = 'false';
    term.write('\r\n[netloom: console closed]\r\n');
    if (onEnd) onEnd();
  };
  term.focus();
  return {
    close() {
      ws.close();
      term.dispose();
    },
  };
}
