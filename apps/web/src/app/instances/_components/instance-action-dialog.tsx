'use client';

import { Button, StatusBadge } from '@cc-bridge/ui';
import { useEffect, useId, useRef, type SyntheticEvent } from 'react';
import { actionWords, describeActionResults, describeResult, instancesNoun, type InstanceActionKind } from '@/lib/action-text';
import { errorSentence, toSerializedError } from '@/lib/error-messages';
import { useRunInstanceAction, type InstanceActionVariables } from '@/lib/mutations';

/** A start/stop/restart of several instances, as the page asks it. */
export interface InstanceActionRequest {
  kind: InstanceActionKind;
  target: InstanceActionVariables['target'];
  /** How many the target holds (the ticked rows, or what the filter matches on every page). */
  count: number;
  /** The names to list before confirming; fewer than `count` when the filter spans pages. */
  names: readonly string[];
}

/**
 * Confirms a start/stop/restart of several instances listing them, shows progress while it runs
 * (the rows behind change as each record is written), then each instance's own result. Mount it
 * afresh per request (a `key`): it holds that run's state.
 */
export function InstanceActionDialog({ request, onClose }: { request: InstanceActionRequest; onClose: () => void }) {
  const run = useRunInstanceAction();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const words = actionWords[request.kind];
  const noun = instancesNoun(request.count);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  function handleCancel(event: SyntheticEvent<HTMLDialogElement>) {
    // The parent owns whether it shows; and a run in flight goes on, so its dialog stays.
    event.preventDefault();
    if (!run.isPending) onClose();
  }

  const results = run.data;
  const summary = results ? describeActionResults(request.kind, results) : null;
  const title = results && summary ? summary.title : run.isPending ? `${words.running} ${noun}…` : `${words.label} ${noun}?`;

  return (
    <dialog
      ref={dialogRef}
      aria-labelledby={titleId}
      aria-busy={run.isPending || undefined}
      onCancel={handleCancel}
      className="m-auto w-full max-w-lg rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <div className="flex flex-col gap-4 p-6">
        <h2 id={titleId} className="text-lg font-semibold">
          {title}
        </h2>

        {run.isPending ? <progress aria-label={`${words.running} ${noun}`} className="w-full" /> : null}

        {results ? (
          <ul aria-label="Results" className="max-h-72 overflow-y-auto rounded-md border border-zinc-200 text-sm dark:border-zinc-700">
            {results.map((result) => (
              <li
                key={result.name}
                className="flex items-center justify-between gap-3 border-b border-zinc-100 px-3 py-1.5 last:border-b-0 dark:border-zinc-800"
              >
                <span className="font-medium">{result.name}</span>
                <span className={result.ok ? 'flex items-center gap-2' : 'text-right text-red-700 dark:text-red-400'}>
                  {result.ok ? 'ok' : 'failed'}
                  {result.status ? <StatusBadge status={result.status} /> : null}
                  <span className="sr-only">: {describeResult(result)}</span>
                  {result.ok ? null : <span aria-hidden="true"> — {describeResult(result)}</span>}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              {'names' in request.target
                ? `These ${noun} will be ${words.done}, at most four at a time.`
                : `Every instance the current filter matches (${noun}, on every page) will be ${words.done}, at most four at a time.`}
            </p>
            <ul aria-label="Will be acted on" className="max-h-60 overflow-y-auto rounded-md border border-zinc-200 text-sm dark:border-zinc-700">
              {request.names.map((name) => (
                <li key={name} className="border-b border-zinc-100 px-3 py-1.5 font-medium last:border-b-0 dark:border-zinc-800">
                  {name}
                </li>
              ))}
              {request.names.length < request.count ? (
                <li className="px-3 py-1.5 text-zinc-600 dark:text-zinc-400">and {request.count - request.names.length} more on other pages</li>
              ) : null}
            </ul>
          </>
        )}

        {run.isError ? (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {errorSentence(toSerializedError(run.error))}
          </p>
        ) : null}

        <div className="flex justify-end gap-2">
          {results || run.isError ? (
            <Button variant="primary" onClick={onClose} autoFocus>
              Close
            </Button>
          ) : (
            <>
              <Button onClick={onClose} disabled={run.isPending}>
                Cancel
              </Button>
              <Button
                variant={request.kind === 'start' ? 'primary' : 'danger'}
                onClick={() => run.mutate({ kind: request.kind, target: request.target })}
                disabled={run.isPending}
                aria-busy={run.isPending || undefined}
              >
                {`${words.label} ${noun}`}
              </Button>
            </>
          )}
        </div>
      </div>
    </dialog>
  );
}
