'use client';

import type { AnswerChoice } from '@cc-bridge/core/schemas';
import { Banner, Button, RelativeTime } from '@cc-bridge/ui';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import type { Instance } from '@/lib/core-schemas';
import { errorSentence, toSerializedError } from '@/lib/error-messages';
import { useLiveState } from '@/lib/live-updates';
import { useAnswerInstance } from '@/lib/mutations';
import { inboxQuery } from '@/lib/queries';
import { pollingInterval } from '@/lib/query-client';
import { NotificationsSwitch } from './notifications-switch';

/** How often (ms) "waiting since" is worded again while the page is open. */
const clockTickMs = 15_000;

/**
 * /inbox: every agent waiting for an answer, longest waiting first, each with what it asks and
 * the answers Claude Code's permission prompt offers. Kept live by the page's push connection
 * (no polling while it is up); an answered item leaves once the agent moves on.
 */
export function InboxView() {
  const isLive = useLiveState() === 'live';
  const inbox = useQuery({ ...inboxQuery(), refetchInterval: pollingInterval(isLive) });
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), clockTickMs);
    return () => clearInterval(timer);
  }, []);
  const items = inbox.data?.items ?? [];

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold tracking-tight">Inbox</h1>
        <NotificationsSwitch />
      </div>
      {inbox.error ? <Banner variant="error" title="The inbox could not be read">{errorSentence(toSerializedError(inbox.error))}</Banner> : null}
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Agents waiting for an answer. Keys on a focused item: <kbd>y</kbd> answers Yes, <kbd>n</kbd> answers No.
      </p>
      <ul aria-label="Waiting instances" className="space-y-3">
        {items.map((instance) => (
          <InboxItem key={instance.id} instance={instance} now={now} />
        ))}
      </ul>
      {inbox.data && items.length === 0 ? <p className="text-sm text-zinc-600 dark:text-zinc-400">No agent is waiting for an answer.</p> : null}
    </div>
  );
}

function InboxItem({ instance, now }: { instance: Instance; now: Date }) {
  const answer = useAnswerInstance();
  const [message, setMessage] = useState('');
  const messageId = useId();
  const send = (choice: AnswerChoice) => {
    if (answer.isPending) return;
    const text = message.trim();
    answer.mutate({ name: instance.name, choice, ...(choice === 'no' && text !== '' ? { message: text } : {}) });
  };
  // y / n on the item or one of its buttons; typing in the message field types.
  const onKeyDown = (event: KeyboardEvent<HTMLLIElement>) => {
    if (event.target instanceof HTMLInputElement || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === 'y' || event.key === 'n') {
      event.preventDefault();
      send(event.key === 'y' ? 'yes' : 'no');
    }
  };

  return (
    <li
      tabIndex={0}
      aria-label={instance.name}
      onKeyDown={onKeyDown}
      className="space-y-3 rounded-lg border border-amber-300 bg-white p-4 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none dark:border-amber-700 dark:bg-zinc-900"
    >
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <Link href={`/instances/${encodeURIComponent(instance.name)}`} className="font-semibold text-blue-700 hover:underline dark:text-blue-400">
          {instance.name}
        </Link>
        <span className="text-sm text-zinc-600 dark:text-zinc-400">
          waiting since <RelativeTime date={instance.activitySince} now={now} fallback="a moment" />
        </span>
      </div>
      <pre className="overflow-x-auto rounded bg-zinc-100 px-3 py-2 text-sm whitespace-pre-wrap dark:bg-zinc-800">
        {instance.activityReason ?? 'It waits for an answer (no reason given)'}
      </pre>
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="primary" size="sm" disabled={answer.isPending} onClick={() => send('yes')}>
          Yes
        </Button>
        <Button size="sm" disabled={answer.isPending} onClick={() => send('always')}>
          Yes, don&apos;t ask again
        </Button>
        <Button variant="danger" size="sm" disabled={answer.isPending} onClick={() => send('no')}>
          No
        </Button>
        <label htmlFor={messageId} className="sr-only">
          Message with No (optional)
        </label>
        <input
          id={messageId}
          value={message}
          onChange={(event) => setMessage(event.target.value)}
          maxLength={8_192}
          placeholder="With No: what to do instead (optional)"
          className="h-7 min-w-64 flex-1 rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-600 dark:bg-zinc-800"
        />
        {answer.isPending ? <span className="text-sm text-zinc-600 dark:text-zinc-400">Answering…</span> : null}
        {answer.isSuccess ? <span className="text-sm text-zinc-600 dark:text-zinc-400">Answered; waiting for it to move on…</span> : null}
      </div>
      {answer.error ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {errorSentence(toSerializedError(answer.error))}
        </p>
      ) : null}
    </li>
  );
}
