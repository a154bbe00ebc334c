'use client';

import type { InstanceEvent, SerializedError } from '@cc-bridge/core';
import { Banner, Button, RelativeTime, StatusBadge, TypeIcon, formatTimestamp, useToast } from '@cc-bridge/ui';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { DeleteInstanceDialog } from '../../_components/delete-instance-dialog';
import { EditInstanceDialog } from '../../_components/edit-instance-dialog';
import { AuditTable } from '@/app/audit/_components/audit-table';
import { instanceDetailRows, type Instance, type TokenUsage } from '@/lib/core-schemas';
import { errorSentence, toSerializedError } from '@/lib/error-messages';
import { actionWords, describeResult, type InstanceActionKind } from '@/lib/action-text';
import { useRecreateInstance, useRefreshInstanceStatus, useResumeInstance, useRunInstanceAction } from '@/lib/mutations';
import { useLiveState } from '@/lib/live-updates';
import { instanceDetailQuery } from '@/lib/queries';
import { pollingInterval } from '@/lib/query-client';
import { eventPayloads, summarizeEvent, type EventSummary } from './event-summary';
import { OutputSection } from './output-section';
import { TerminalSection } from './terminal-section';
import { useCan } from '@/lib/auth/principal-context';
import { agentRows } from './agent-rows';

const eventLabels: Record<InstanceEvent['kind'], string> = {
  created: 'Created',
  updated: 'Updated',
  status_changed: 'Status changed',
  discovered: 'Discovered',
  merged: 'Merged with a discovered container',
  renamed_on_conflict: 'Renamed on a name clash',
  deleted: 'Deleted',
  imported: 'Imported',
  action: 'Action',
  runtime_unreachable: 'Runtime unreachable',
  runtime_reachable: 'Runtime reachable again',
  activity_changed: 'Activity changed',
};

function Value({ children }: { children: ReactNode }) {
  if (children === null || children === undefined || children === '') {
    return (
      <span className="text-zinc-400 dark:text-zinc-500">
        <span aria-hidden="true">—</span>
        <span className="sr-only">none</span>
      </span>
    );
  }
  return <>{children}</>;
}

function Time({ date }: { date: Date | null }) {
  if (!date) return <Value>{null}</Value>;
  return (
    <span>
      <RelativeTime date={date} /> <span className="text-zinc-500 dark:text-zinc-400">({formatTimestamp(new Date(date))})</span>
    </span>
  );
}

function Fields({ instance, tokens }: { instance: Instance; tokens: TokenUsage | null }) {
  const code = (text: string | null) => (text ? <code className="font-mono text-xs break-all">{text}</code> : null);
  const rows: Array<[string, ReactNode]> = [
    ['Name', instance.name],
    ['Type', <TypeIcon key="type" type={instance.type} />],
    ['Origin', instance.origin],
    ['ID', code(instance.id)],
    ['Version', instance.version],
    ['Created', <Time key="created" date={instance.createdAt} />],
    ['Updated', <Time key="updated" date={instance.updatedAt} />],
    ['Last seen', <Time key="seen" date={instance.lastSeenAt} />],
    ['Last activity', <Time key="activity" date={instance.lastActivityAt} />],
    // The per-type fields, then what the Docker Engine itself said when last asked (`exited (3)`).
    ...instanceDetailRows(instance).map(({ label, value, isCode }): [string, ReactNode] => [label, isCode && typeof value === 'string' ? code(value) : value]),
    // What the agent is doing, its Claude session and its token use.
    ...agentRows(instance, tokens),
  ];
  return (
    <dl className="grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-[max-content_1fr]">
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="font-medium text-zinc-600 dark:text-zinc-400">{label}</dt>
          <dd className="min-w-0">
            <Value>{value}</Value>
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Summary({ summary }: { summary: EventSummary }) {
  const code = (text: string) => <code className="font-mono text-xs">{text}</code>;
  if (summary.kind === 'none') return null;
  if (summary.kind === 'record') {
    if (summary.parts.length === 0) return null;
    return <p className="text-sm text-zinc-700 dark:text-zinc-300">{summary.parts.join(' · ')}</p>;
  }
  return (
    <p className="flex flex-wrap gap-x-3 gap-y-0.5 text-sm text-zinc-700 dark:text-zinc-300">
      {summary.changes.map((change) => (
        <span key={change.field}>
          {change.field ? `${change.field}: ` : null}
          {code(change.from)} → {code(change.to)}
        </span>
      ))}
    </p>
  );
}

function AllFields({ event }: { event: InstanceEvent }) {
  const payloads = eventPayloads(event);
  if (payloads.length === 0) return null;
  return (
    <details className="mt-1 text-xs">
      <summary className="cursor-pointer rounded text-zinc-600 hover:text-zinc-900 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none dark:text-zinc-400 dark:hover:text-zinc-100">
        All fields
      </summary>
      {payloads.map(({ label, fields }) => (
        <div key={label} className="mt-1.5">
          {/* A lone side needs no "Before"/"After": the event's label already says what it is. */}
          {payloads.length > 1 ? <p className="font-medium text-zinc-600 dark:text-zinc-400">{label}</p> : null}
          <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5">
            {fields.map(([field, value]) => (
              <div key={field} className="contents">
                <dt className="text-zinc-500 dark:text-zinc-400">{field}</dt>
                <dd className="min-w-0 font-mono break-all">{value}</dd>
              </div>
            ))}
          </dl>
        </div>
      ))}
    </details>
  );
}

function Timeline({ events }: { events: InstanceEvent[] }) {
  if (events.length === 0) return <p className="text-sm text-zinc-600 dark:text-zinc-400">No events recorded.</p>;
  // Newest first: what changed last is what a reader comes for.
  const ordered = [...events].sort((a, b) => new Date(b.at).getTime() - new Date(a.at).getTime());
  return (
    <ol aria-label="Events" className="relative flex flex-col gap-4 border-l border-zinc-200 pl-5 dark:border-zinc-700">
      {ordered.map((event) => (
        <li key={event.id} className="relative">
          <span aria-hidden="true" className="absolute top-1.5 -left-[25px] size-2.5 rounded-full border-2 border-white bg-blue-600 dark:border-zinc-900 dark:bg-blue-400" />
          <p className="text-sm font-medium">{eventLabels[event.kind]}</p>
          <Summary summary={summarizeEvent(event)} />
          {event.message ? <p className="text-sm text-zinc-700 dark:text-zinc-300">{event.message}</p> : null}
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            <RelativeTime date={event.at} /> by {event.actor}
          </p>
          <AllFields event={event} />
        </li>
      ))}
    </ol>
  );
}

export function InstanceDetailView({ name }: { name: string }) {
  const router = useRouter();
  const { toast } = useToast();
  const isLive = useLiveState() === 'live';
  const detail = useQuery({ ...instanceDetailQuery(name), refetchInterval: pollingInterval(isLive) });
  const refresh = useRefreshInstanceStatus();
  const runAction = useRunInstanceAction();
  const recreate = useRecreateInstance();
  const resume = useResumeInstance();
  // Set when Start or Restart answered CONTAINER_GONE: the page then offers re-creating it.
  const [goneError, setGoneError] = useState<SerializedError | null>(null);
  const [isEditing, setIsEditing] = useState(false);
  const [deleting, setDeleting] = useState<Instance | null>(null);
  const [isDeleted, setIsDeleted] = useState(false);
  const canOperate = useCan('operator');

  if (detail.isError && !detail.data) {
    return (
      <Banner variant="error" title="This instance could not be loaded" actions={<Button onClick={() => void detail.refetch()}>Try again</Button>}>
        {errorSentence(toSerializedError(detail.error))}
      </Banner>
    );
  }
  if (!detail.data || isDeleted) {
    return (
      <div className="flex flex-col gap-3">
        <p>{detail.isPending ? 'Loading…' : `There is no instance named ${name}.`}</p>
        <Link href="/instances" className="text-blue-700 underline dark:text-blue-300">
          Back to instances
        </Link>
      </div>
    );
  }

  const { instance, status, events, audit, tokens } = detail.data;

  function handleRefresh() {
    refresh.mutate(instance.name, {
      onSuccess: (result) => {
        toast({
          variant: result.error ? 'error' : 'info',
          title: `${result.instance.name} is ${result.status}`,
          ...(result.error ? { description: errorSentence(result.error) } : {}),
        });
        void detail.refetch();
      },
      onError: (error) => toast({ variant: 'error', title: `Could not check ${instance.name}`, description: errorSentence(toSerializedError(error)) }),
    });
  }

  function handleAction(kind: InstanceActionKind) {
    runAction.mutate(
      { kind, target: { names: [instance.name] } },
      {
        onSuccess: ([result]) => {
          setGoneError(result?.error?.code === 'CONTAINER_GONE' ? result.error : null);
          toast({
            variant: result?.ok ? 'success' : 'error',
            title: result?.ok ? `${instance.name} ${actionWords[kind].done}: ${result.status ?? 'unknown'}` : `Could not ${kind} ${instance.name}`,
            ...(result && !result.ok ? { description: describeResult(result) } : {}),
          });
        },
        onError: (error) => toast({ variant: 'error', title: `Could not ${kind} ${instance.name}`, description: errorSentence(toSerializedError(error)) }),
      },
    );
  }

  function handleRecreate() {
    recreate.mutate(instance.name, {
      onSuccess: (recreated) => {
        setGoneError(null);
        toast({ variant: 'success', title: `${recreated.name} re-created: ${recreated.status}` });
      },
      onError: (error) => toast({ variant: 'error', title: `Could not re-create ${instance.name}`, description: errorSentence(toSerializedError(error)) }),
    });
  }

  // What core's resume accepts: a tmux agent with a Claude session that is not running.
  const isResumable = instance.type === 'tmux' && instance.claudeSessionId !== null && (status.status !== 'running' || instance.activity === 'exited');

  function handleResume() {
    resume.mutate(instance.name, {
      onSuccess: (resumed) => toast({ variant: 'success', title: `${resumed.name} resumed: ${resumed.status}` }),
      onError: (error) => toast({ variant: 'error', title: `Could not resume ${instance.name}`, description: errorSentence(toSerializedError(error)) }),
    });
  }

  return (
    <div className="flex flex-col gap-6">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/instances" className="text-blue-700 hover:underline dark:text-blue-300">
          Instances
        </Link>
        <span aria-hidden="true" className="px-1.5 text-zinc-400">/</span>
        <span aria-current="page">{instance.name}</span>
      </nav>

      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">{instance.name}</h1>
          <StatusBadge status={status.status} />
        </div>
        {/* What an operator may do; a viewer sees the record only (the server refuses it anyway). */}
        {canOperate ? (
          <div className="flex flex-wrap gap-2">
            {(['start', 'stop', 'restart'] as const).map((kind) => (
              <Button
                key={kind}
                onClick={() => handleAction(kind)}
                disabled={runAction.isPending}
                aria-busy={(runAction.isPending && runAction.variables.kind === kind) || undefined}
              >
                {actionWords[kind].label}
              </Button>
            ))}
            {isResumable ? (
              <Button onClick={handleResume} disabled={resume.isPending} aria-busy={resume.isPending || undefined}>
                Resume
              </Button>
          ) : null}
          <Button onClick={handleRefresh} disabled={refresh.isPending} aria-busy={refresh.isPending || undefined}>
            Refresh status
          </Button>
          <Button onClick={() => setIsEditing(true)}>Edit</Button>
          <Button variant="danger" onClick={() => setDeleting(instance)}>
            Delete
          </Button>
        </div>
        ) : null}
      </div>

      {goneError && instance.type === 'docker' ? (
        <Banner
          variant="error"
          title={`The container of ${instance.name} is gone`}
          actions={
            <Button onClick={handleRecreate} disabled={recreate.isPending} aria-busy={recreate.isPending || undefined}>
              Re-create
            </Button>
          }
        >
          {errorSentence(goneError)} A new container is made from {instance.imageName ? <code className="font-mono text-xs">{instance.imageName}</code> : 'its image'}; the
          record keeps its name and history.
        </Banner>
      ) : null}

      <section aria-labelledby="live-status" className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
        <h2 id="live-status" className="mb-2 text-sm font-semibold">
          Live status
        </h2>
        <p className="flex flex-wrap items-center gap-2 text-sm" aria-live="polite">
          <StatusBadge status={status.status} />
          <span className="text-zinc-600 dark:text-zinc-400">
            checked <RelativeTime date={status.checkedAt} />
            {status.isFresh ? ' (asked the runtime)' : ' (recent answer)'}
          </span>
        </p>
        {status.error ? <p className="mt-2 text-sm text-red-700 dark:text-red-400">{errorSentence(status.error)}</p> : null}
      </section>

      <OutputSection name={instance.name} type={instance.type} status={status.status} />
      {canOperate ? <TerminalSection name={instance.name} /> : null}

      <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
        <section aria-labelledby="fields" className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
          <h2 id="fields" className="mb-3 text-sm font-semibold">
            Fields
          </h2>
          <Fields instance={instance} tokens={tokens} />
        </section>
        <section aria-labelledby="history" className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
          <h2 id="history" className="mb-3 text-sm font-semibold">
            History
          </h2>
          <Timeline events={events} />
        </section>
      </div>

      <section aria-labelledby="audit" className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
        <h2 id="audit" className="mb-3 text-sm font-semibold">
          Audit
        </h2>
        <AuditTable entries={audit} label={`Audit log of ${instance.name}`} showTarget={false} />
        <Link href={`/audit?instance=${encodeURIComponent(instance.name)}`} className="mt-2 inline-block text-sm text-blue-700 underline-offset-2 hover:underline dark:text-blue-400">
          All audit entries of {instance.name}
        </Link>
      </section>

      {isEditing ? (
        <EditInstanceDialog
          instance={instance}
          onClose={() => setIsEditing(false)}
          onSaved={(saved) => {
            if (saved.name !== instance.name) router.replace(`/instances/${encodeURIComponent(saved.name)}`);
          }}
        />
      ) : null}
      <DeleteInstanceDialog
        instance={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={() => {
          setIsDeleted(true);
          router.push('/instances');
        }}
      />
    </div>
  );
}
