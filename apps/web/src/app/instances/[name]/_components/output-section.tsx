'use client';

import type { InstanceStatus, InstanceType, SerializedError } from '@cc-bridge/core';
import { Button, useToast } from '@cc-bridge/ui';
import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { errorSentence } from '@/lib/error-messages';
import { OutputBuffer, type OutputLine } from '@/lib/output-buffer';
import { initialOutputLines, outputPath, readOutputMessage } from '@/lib/output-protocol';
import { SendInputForm } from './send-input-form';

/** Lines the section keeps; older ones scroll away. */
const maxShownLines = 2000;

type FollowState =
  | { kind: 'connecting' }
  | { kind: 'following' }
  | { kind: 'not-running' }
  | { kind: 'stopped' }
  | { kind: 'failed'; error: SerializedError }
  | { kind: 'disconnected' };

const OutputRow = memo(function OutputRow({ line }: { line: OutputLine }) {
  return (
    <div className="min-h-[1lh] whitespace-pre-wrap break-all">
      {line.spans.map((span, index) =>
        span.style ? (
          <span key={index} style={span.style}>
            {span.text}
          </span>
        ) : (
          span.text
        ),
      )}
    </div>
  );
});

function stateText(state: FollowState, type: InstanceType): string {
  const holder = type === 'tmux' ? 'tmux session' : 'container';
  switch (state.kind) {
    case 'connecting':
      return 'Connecting…';
    case 'following':
      return 'Following live';
    case 'not-running':
      return `Not running: it has no ${holder} to read from. Start it to see its output here.`;
    case 'stopped':
      return `The ${holder} ended; this is what it printed last.`;
    case 'failed':
      return `Could not follow the output. ${errorSentence(state.error)}`;
    case 'disconnected':
      return 'Lost the connection to the dashboard.';
  }
}

/**
 * The detail page's Output section: the instance's recent output (tmux: the pane and its
 * scroll-back; Docker: the container's log), then what it prints while the page is open, over
 * the output WebSocket (output-server.ts), with colours. Keeps the last `maxShownLines` lines.
 * Pause freezes what is shown (the buffer keeps filling); Resume shows everything that arrived.
 * Starting the instance follows it again from scratch (tmux has a new session, Docker a new log
 * stream), as does Reconnect. Below the output: a line to send to the instance.
 */
export function OutputSection({ name, type, status }: { name: string; type: InstanceType; status: InstanceStatus }) {
  const [attempt, setAttempt] = useState(0);
  return (
    <section aria-labelledby="output-heading" className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <OutputFollow key={`${name}:${String(status === 'running')}:${String(attempt)}`} name={name} type={type} onReconnect={() => setAttempt((count) => count + 1)} />
      <SendInputForm name={name} />
    </section>
  );
}

/** One follow of the output, from connecting to its end; a new one is mounted to follow again. */
function OutputFollow({ name, type, onReconnect }: { name: string; type: InstanceType; onReconnect: () => void }) {
  const { toast } = useToast();
  const [buffer] = useState(() => new OutputBuffer(maxShownLines));
  const [lines, setLines] = useState<readonly OutputLine[]>(buffer.lines);
  const [state, setState] = useState<FollowState>({ kind: 'connecting' });
  const [isPaused, setIsPaused] = useState(false);
  const isPausedRef = useRef(false);
  const log = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const url = new URL(outputPath(name), window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.search = new URLSearchParams({ lines: String(initialOutputLines) }).toString();
    const socket = new WebSocket(url);
    let isOver = false;
    let frame: number | null = null;
    // One render per animation frame, however many chunks arrive in it.
    const show = () => {
      frame = null;
      if (!isPausedRef.current) setLines(buffer.lines);
    };
    socket.addEventListener('open', () => setState({ kind: 'following' }));
    socket.addEventListener('message', (event: MessageEvent<unknown>) => {
      const message = readOutputMessage(event.data);
      if (!message) return;
      if (message.type === 'output') {
        buffer.update(message.text, message.current);
        frame ??= requestAnimationFrame(show);
        return;
      }
      isOver = true;
      if (message.type === 'error') setState({ kind: 'failed', error: { code: message.code, message: message.message } });
      else setState({ kind: message.reason });
    });
    socket.addEventListener('close', () => {
      if (!isOver) setState({ kind: 'disconnected' });
    });
    return () => {
      isOver = true;
      if (frame !== null) cancelAnimationFrame(frame);
      socket.close();
    };
  }, [name, buffer]);

  useLayoutEffect(() => {
    const element = log.current;
    if (element && !isPaused) element.scrollTop = element.scrollHeight;
  }, [lines, isPaused]);

  function togglePause() {
    const paused = !isPaused;
    isPausedRef.current = paused;
    setIsPaused(paused);
    if (!paused) setLines(buffer.lines);
  }

  async function copy() {
    const text = lines.map((line) => line.spans.map((span) => span.text).join('')).join('\n');
    try {
      await navigator.clipboard.writeText(text);
      toast({ variant: 'success', title: `Copied ${String(lines.length)} line${lines.length === 1 ? '' : 's'} of output` });
    } catch (error) {
      toast({ variant: 'error', title: 'Could not copy the output', description: error instanceof Error ? error.message : String(error) });
    }
  }

  const isFollowing = state.kind === 'following';
  return (
    <>
      <div className="mb-2 flex flex-wrap items-center gap-3">
        <h2 id="output-heading" className="text-sm font-semibold">
          Output
        </h2>
        <p className={`text-xs ${state.kind === 'failed' ? 'text-red-700 dark:text-red-400' : 'text-zinc-600 dark:text-zinc-400'}`} aria-live="polite">
          {isPaused && isFollowing ? 'Paused: new output is kept, not shown' : stateText(state, type)}
        </p>
        <div className="ml-auto flex gap-2">
          {state.kind === 'disconnected' || state.kind === 'failed' ? (
            <Button size="sm" onClick={onReconnect}>
              Reconnect
            </Button>
          ) : null}
          <Button size="sm" onClick={togglePause} aria-pressed={isPaused}>
            {isPaused ? 'Resume' : 'Pause'}
          </Button>
          <Button size="sm" onClick={() => void copy()} disabled={lines.length === 0}>
            Copy
          </Button>
        </div>
      </div>
      <div
        ref={log}
        role="log"
        aria-label="Recent output"
        aria-live="off"
        tabIndex={0}
        // The pane's colours are outputForeground/outputBackground (zinc-200 on zinc-950) as classes:
        // a style attribute in the server's HTML would be refused by the CSP.
        className="h-80 overflow-y-auto rounded-md bg-zinc-950 p-2 font-mono text-xs leading-5 text-zinc-200 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none"
      >
        {lines.length === 0 ? <p className="text-zinc-500">{state.kind === 'following' ? 'Nothing printed yet.' : null}</p> : lines.map((line) => <OutputRow key={line.key} line={line} />)}
      </div>
    </>
  );
}
