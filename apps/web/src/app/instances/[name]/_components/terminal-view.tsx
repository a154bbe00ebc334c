'use client';

import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';

/** Loaded with next/dynamic (client only), so xterm.js stays out of the detail page's first bundle. */
export interface TerminalViewProps {
  name: string;
  readOnly: boolean;
}

/** Where the socket stands; `closed` carries why, when the server or the browser said. */
type Connection = { state: 'connecting' } | { state: 'open' } | { state: 'closed'; reason: string | null };

// xterm.js inserts <style> elements for its scrollbar and theme as it opens; the page's CSP admits
// only nonced styles, so the ones made while it opens carry the nonce Next.js stamped on the page.
function openWithNonce(terminal: Terminal, element: HTMLElement): void {
  const nonce = document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce ?? '';
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the rule reads the deprecated-tag-name overload; this is the standard method
  const original = document.createElement.bind(document);
  function createElement(tagName: string, options?: ElementCreationOptions): HTMLElement {
    const created = original(tagName, options);
    if (created instanceof HTMLStyleElement) created.nonce = nonce;
    return created;
  }
  // An own property shadows Document.prototype's for the duration of open() only.
  Object.defineProperty(document, 'createElement', { value: createElement, configurable: true });
  try {
    terminal.open(element);
  } finally {
    Reflect.deleteProperty(document, 'createElement');
  }
}

/** An xterm.js terminal attached to the instance over the dashboard's terminal WebSocket. */
export default function TerminalView({ name, readOnly }: TerminalViewProps) {
  const element = useRef<HTMLDivElement>(null);
  const [connection, setConnection] = useState<Connection>({ state: 'connecting' });

  useEffect(() => {
    const host = element.current;
    if (!host) return;
    const terminal = new Terminal({ cursorBlink: !readOnly, disableStdin: readOnly, fontSize: 13, scrollback: 5000 });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    openWithNonce(terminal, host);
    fit.fit();

    const url = new URL(`/api/instances/${encodeURIComponent(name)}/terminal`, window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.search = new URLSearchParams({ mode: readOnly ? 'ro' : 'rw', cols: String(terminal.cols), rows: String(terminal.rows) }).toString();
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    const encoder = new TextEncoder();
    const send = (bytes: Uint8Array) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(bytes);
    };

    let wasOpened = false;
    let reason: string | null = null;
    socket.addEventListener('open', () => {
      wasOpened = true;
      setConnection({ state: 'open' });
    });
    socket.addEventListener('message', (message: MessageEvent<ArrayBuffer | string>) => {
      if (typeof message.data !== 'string') {
        terminal.write(new Uint8Array(message.data));
        return;
      }
      const notice = JSON.parse(message.data) as { type: string; message?: string };
      if (notice.type === 'error') {
        reason = notice.message ?? 'error';
        terminal.write(`\r\n\x1b[31m${reason}\x1b[0m\r\n`);
      }
    });
    socket.addEventListener('close', () => {
      // A refused handshake's answer is not readable from a page: the server's log names it.
      if (!wasOpened && reason === null) reason = 'the dashboard refused the connection (its log says why)';
      setConnection({ state: 'closed', reason });
    });

    const input = terminal.onData((data) => send(encoder.encode(data)));
    // Some mouse reports are bytes above 0x7f that are not UTF-8: sent as they are.
    const binary = terminal.onBinary((data) => send(Uint8Array.from(data, (char) => char.charCodeAt(0))));
    const resize = terminal.onResize(({ cols, rows }) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'resize', cols, rows }));
    });
    socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'resize', cols: terminal.cols, rows: terminal.rows })));
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(host);
    if (!readOnly) terminal.focus();

    return () => {
      observer.disconnect();
      input.dispose();
      binary.dispose();
      resize.dispose();
      // Closing the socket ends this viewer's attach client only; the agent keeps running.
      socket.close();
      terminal.dispose();
    };
  }, [name, readOnly]);

  return (
    <div className="flex flex-col gap-2">
      <p className="text-xs text-zinc-600 dark:text-zinc-400" aria-live="polite">
        {connection.state === 'connecting'
          ? 'Connecting…'
          : connection.state === 'open'
            ? readOnly
              ? 'Attached, read-only'
              : 'Attached'
            : connection.reason === null
              ? 'Detached'
              : `Detached: ${connection.reason}`}
      </p>
      <div ref={element} role="region" aria-label="Terminal" className="h-[28rem] w-full overflow-hidden rounded-md bg-black p-1" />
    </div>
  );
}
