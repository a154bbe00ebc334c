'use client';

import { useCan } from '@/lib/auth/principal-context';
import type { RemovalReport } from '@cc-bridge/core';
import { Banner, Button, InstanceFilters, InstanceTable, ShortcutsDialog, toggleName, useToast, type InstanceFiltersValue, type InstanceRow, type SortField, type SortOrder } from '@cc-bridge/ui';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useQueryStates } from 'nuqs';
import { useCallback, useEffect, useEffectEvent, useRef, useState } from 'react';
import type { Instance } from '@/lib/core-schemas';
import { errorSentence, toSerializedError } from '@/lib/error-messages';
import { defaultListParams, instanceListParsers, pageSize, type InstanceListParams } from '@/lib/list-params';
import { listShortcutFor, listShortcuts, movedRowIndex } from '@/lib/list-shortcuts';
import { actionWords, describeResult, instancesNoun, rowActionsFor, type InstanceActionKind } from '@/lib/action-text';
import {
  useCleanupStopped,
  useDeleteInstances,
  useDiscoverInstances,
  usePruneDiscovered,
  useRefreshInstanceStatus,
  useRefreshInstancesStatus,
  useRefreshStatuses,
  useRunInstanceAction,
} from '@/lib/mutations';
import { useLiveState } from '@/lib/live-updates';
import { instanceListQuery } from '@/lib/queries';
import { pollingInterval } from '@/lib/query-client';
import { describeBulkDelete, describeBulkRefresh, describeDiscovery, describeRefresh, describeRemoval } from '@/lib/report-text';
import { BulkDeleteDialog } from './bulk-delete-dialog';
import { CreateInstanceDialog } from './create-instance-dialog';
import { DeleteInstanceDialog } from './delete-instance-dialog';
import { DockerBanner } from './docker-banner';
import { EditInstanceDialog } from './edit-instance-dialog';
import { FleetSummary } from './fleet-summary';
import { Pagination } from './pagination';
import { RemovalDialog } from './removal-dialog';
import { InstanceActionDialog, type InstanceActionRequest } from './instance-action-dialog';
import { SelectionBar } from './selection-bar';

const searchDebounceMs = 250;

type RemovalKind = 'cleanup' | 'prune';

const removalText: Record<RemovalKind, { noun: string; title: (count: number) => string; description: string; failed: string }> = {
  cleanup: {
    noun: 'stopped',
    title: (count) => `Remove ${count} stopped ${count === 1 ? 'instance' : 'instances'}?`,
    description: 'These records are stopped. Their history is kept; nothing is stopped or removed in tmux or Docker.',
    failed: 'Clean up failed',
  },
  prune: {
    noun: 'discovered',
    title: (count) => `Prune ${count} discovered ${count === 1 ? 'instance' : 'instances'}?`,
    description: 'These records were found by discovery and their containers are gone. Their history is kept.',
    failed: 'Prune failed',
  },
};

const renderName = (row: InstanceRow) => (
  <Link
    href={`/instances/${encodeURIComponent(row.name)}`}
    className="rounded text-blue-700 underline-offset-2 hover:underline focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none dark:text-blue-300"
  >
    {row.name}
  </Link>
);

export function InstancesView() {
  // The view state lives in the URL (nuqs): a click shows at once, the URL follows without a
  // server round trip, and back/forward or a link bring their own state.
  const [params, setQueryStates] = useQueryStates(instanceListParsers, { history: 'push' });
  const setParams = useCallback(
    (next: InstanceListParams, { replace = false }: { replace?: boolean } = {}) => void setQueryStates(next, { history: replace ? 'replace' : 'push' }),
    [setQueryStates],
  );
  const { toast } = useToast();

  // Typing updates the box at once and the URL (and so the query) after a pause.
  const [searchDraft, setSearchDraft] = useState(params.search ?? '');
  // Back/forward or a reset changed the URL's search: the box follows, unless it already says the
  // same. Done while rendering, on a real change only: an effect would also run on mount and wipe
  // what the filters hand over from before hydration.
  const [followedSearch, setFollowedSearch] = useState(params.search);
  if (params.search !== followedSearch) {
    setFollowedSearch(params.search);
    setSearchDraft((draft) => (draft.trim() === (params.search ?? '') ? draft : (params.search ?? '')));
  }
  useEffect(() => {
    const search = searchDraft.trim() || null;
    if (search === params.search) return;
    const timer = setTimeout(() => setParams({ ...params, search, page: 1 }, { replace: true }), searchDebounceMs);
    return () => clearTimeout(timer);
  }, [searchDraft, params, setParams]);

  // Polling only while the push connection is down: when live, changes arrive by themselves.
  const isLive = useLiveState() === 'live';
  const list = useQuery({ ...instanceListQuery(params), refetchInterval: pollingInterval(isLive) });
  const items = list.data?.items ?? [];
  const itemsRef = useRef<Instance[]>(items);
  // Written after each commit (not during render), so the row actions read what was last shown.
  useEffect(() => {
    itemsRef.current = items;
  });

  const [selectedNames, setSelectedNames] = useState<Set<string>>(() => new Set());
  const router = useRouter();
  const searchRef = useRef<HTMLInputElement>(null);
  // The row j/k are on (by id, so a refetch that reorders rows keeps it on the same record).
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const [isShowingShortcuts, setIsShowingShortcuts] = useState(false);
  // The start/stop/restart of several instances being confirmed or run (one dialog per request).
  const [actionRequest, setActionRequest] = useState<{ id: number; request: InstanceActionRequest } | null>(null);
  const runOne = useRunInstanceAction();
  const actionRequests = useRef(0);
  const [isCreating, setIsCreating] = useState(false);
  const [editing, setEditing] = useState<Instance | null>(null);
  const [deleting, setDeleting] = useState<Instance | null>(null);
  const [removal, setRemoval] = useState<{ kind: RemovalKind; preview: RemovalReport } | null>(null);
  // The names the bulk delete dialog asks about, fixed when it opens; empty: closed.
  const [bulkDeleteNames, setBulkDeleteNames] = useState<string[]>([]);
  const [bulkRemoveRuntime, setBulkRemoveRuntime] = useState(false);

  const discover = useDiscoverInstances();
  const refreshAll = useRefreshStatuses();
  const refreshOne = useRefreshInstanceStatus();
  const cleanup = useCleanupStopped();
  const prune = usePruneDiscovered();
  // The UI offers what the role allows; the server refuses the rest anyway.
  const canOperate = useCan('operator');
  const canAdmin = useCan('admin');
  const deleteMany = useDeleteInstances();
  const refreshMany = useRefreshInstancesStatus();
  const removalMutation = { cleanup, prune };

  const showError = useCallback(
    (title: string, error: unknown) => toast({ variant: 'error', title, description: errorSentence(toSerializedError(error)) }),
    [toast],
  );

  function handleFiltersChange(next: InstanceFiltersValue) {
    const onlySearchChanged =
      next.type === params.type &&
      next.activity === params.activity &&
      next.origin === params.origin &&
      next.status.join(',') === params.status.join(',');
    if (onlySearchChanged) {
      setSearchDraft(next.search);
      return;
    }
    setParams({
      ...params,
      type: next.type,
      status: next.status,
      activity: next.activity,
      origin: next.origin,
      search: next.search.trim() || null,
      page: 1,
    });
  }

  function handleReset() {
    setSearchDraft('');
    setParams({ ...defaultListParams, sort: params.sort, order: params.order });
  }

  function handleSortChange(sort: SortField, order: SortOrder) {
    setParams({ ...params, sort, order, page: 1 });
  }

  function handleDiscover() {
    discover.mutate(undefined, {
      onSuccess: (report) => toast({ variant: report.errors.length > 0 ? 'error' : 'success', ...describeDiscovery(report) }),
      onError: (error) => showError('Discovery failed', error),
    });
  }

  function handleRefreshAll() {
    refreshAll.mutate(undefined, {
      onSuccess: (report) => toast({ variant: report.errors.length > 0 ? 'error' : 'success', ...describeRefresh(report) }),
      onError: (error) => showError('Status refresh failed', error),
    });
  }

  function handleRemovalPreview(kind: RemovalKind) {
    removalMutation[kind].mutate(
      { dryRun: true },
      {
        onSuccess: (preview) => {
          if (preview.removed.length === 0) toast({ variant: 'info', ...describeRemoval(preview, removalText[kind].noun) });
          else setRemoval({ kind, preview });
        },
        onError: (error) => showError(removalText[kind].failed, error),
      },
    );
  }

  function handleRemovalConfirm() {
    if (!removal) return;
    const { kind } = removal;
    removalMutation[kind].mutate(
      { dryRun: false },
      {
        onSuccess: (report) => {
          setRemoval(null);
          toast({ variant: 'success', ...describeRemoval(report, removalText[kind].noun) });
        },
        onError: (error) => {
          setRemoval(null);
          showError(removalText[kind].failed, error);
        },
      },
    );
  }

  function handleBulkDeleteOpen() {
    setBulkRemoveRuntime(false);
    setBulkDeleteNames([...selectedNames].sort());
  }

  function handleBulkDeleteConfirm() {
    deleteMany.mutate(
      { names: bulkDeleteNames, removeRuntime: bulkRemoveRuntime },
      {
        onSuccess: (report) => {
          // Names that failed stay ticked, ready for another try.
          setSelectedNames((selected) => new Set([...selected].filter((name) => !report.deleted.includes(name))));
          toast({ variant: report.failed.length > 0 ? 'error' : 'success', ...describeBulkDelete(report) });
        },
        onError: (error) => showError('Could not delete the selected instances', error),
        onSettled: () => setBulkDeleteNames([]),
      },
    );
  }

  function handleBulkRefresh() {
    refreshMany.mutate([...selectedNames].sort(), {
      onSuccess: (report) => toast({ variant: report.failed.length > 0 ? 'error' : 'success', ...describeBulkRefresh(report) }),
      onError: (error) => showError('Could not refresh the selected instances', error),
    });
  }

  // One listener for the page's shortcuts (lib/list-shortcuts.ts decides what a key means here).
  const handleShortcutKey = useEffectEvent((event: KeyboardEvent) => {
    if (event.defaultPrevented) return;
    const target = event.target instanceof HTMLElement ? event.target : null;
    const shortcut = listShortcutFor({
      key: event.key,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
      altKey: event.altKey,
      targetTag: target?.tagName ?? 'BODY',
      targetType: target instanceof HTMLInputElement ? target.type : null,
      targetIsEditable: target?.isContentEditable ?? false,
      isDialogOpen: document.querySelector('dialog[open]') !== null,
    });
    if (!shortcut) return;
    const index = items.findIndex((item) => item.id === focusedId);
    const focused = items[index];
    switch (shortcut) {
      case 'focusSearch':
        // Or the slash would land in the box it just focused.
        event.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
        return;
      case 'nextRow':
      case 'previousRow': {
        event.preventDefault();
        const next = movedRowIndex(index === -1 ? null : index, items.length, shortcut === 'nextRow' ? 1 : -1);
        setFocusedId(next === null ? null : (items[next]?.id ?? null));
        return;
      }
      case 'openRow':
        if (!focused) return;
        event.preventDefault();
        router.push(`/instances/${encodeURIComponent(focused.name)}`);
        return;
      case 'toggleRow':
        if (!focused) return;
        event.preventDefault();
        setSelectedNames((selected) => toggleName(selected, focused.name));
        return;
      case 'showHelp':
        event.preventDefault();
        setIsShowingShortcuts(true);
        return;
    }
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => handleShortcutKey(event);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);

  function handleSelectionAction(kind: InstanceActionKind) {
    const names = [...selectedNames].sort();
    setActionRequest({ id: (actionRequests.current += 1), request: { kind, target: { names }, count: names.length, names } });
  }

  function handleFilterAction(kind: InstanceActionKind) {
    const filter = { type: params.type, status: params.status, activity: params.activity, origin: params.origin, search: params.search };
    setActionRequest({ id: (actionRequests.current += 1), request: { kind, target: { filter }, count: matched, names: items.map((item) => item.name) } });
  }

  // Stable for the table's memoised rows: they read the latest records through a ref.
  const runOneMutate = runOne.mutate;
  const runRowAction = useCallback(
    (kind: InstanceActionKind, name: string) =>
      runOneMutate(
        { kind, target: { names: [name] } },
        {
          onSuccess: (results) => {
            const [result] = results;
            toast({
              variant: result?.ok ? 'success' : 'error',
              title: result?.ok ? `${name} ${actionWords[kind].done}: ${result.status ?? 'unknown'}` : `Could not ${kind} ${name}`,
              ...(result && !result.ok ? { description: describeResult(result) } : {}),
            });
          },
          onError: (error) => showError(`Could not ${kind} ${name}`, error),
        },
      ),
    [runOneMutate, toast, showError],
  );
  const refreshOneMutate = refreshOne.mutate;
  const renderRowActions = useCallback(
    (row: InstanceRow) => {
      const find = () => itemsRef.current.find((item) => item.id === row.id) ?? null;
      if (!canOperate) return null;
      return (
        <>
          {rowActionsFor(row.status).map((kind) => (
            <Button key={kind} size="sm" variant="ghost" onClick={() => runRowAction(kind, row.name)}>
              {actionWords[kind].label}
            </Button>
          ))}
          <Button size="sm" variant="ghost" onClick={() => setEditing(find())}>
            Edit
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setDeleting(find())}>
            Delete
          </Button>
          <Button
            size="sm"
            variant="ghost"
            aria-label="Refresh status"
            onClick={() =>
              refreshOneMutate(row.name, {
                onSuccess: (result) =>
                  toast({
                    variant: result.error ? 'error' : 'info',
                    title: `${result.instance.name} is ${result.status}`,
                    ...(result.error ? { description: errorSentence(result.error) } : {}),
                  }),
                onError: (error) => showError(`Could not check ${row.name}`, error),
              })
            }
          >
            Refresh
          </Button>
        </>
      );
    },
    [canOperate, refreshOneMutate, runRowAction, toast, showError],
  );

  const matched = list.data?.matched ?? 0;
  const pageCount = Math.max(1, Math.ceil(matched / pageSize));
  const tableState = list.isPending ? 'loading' : list.isError && !list.data ? 'error' : 'ready';
  const isFiltered = params.type !== null || params.status.length > 0 || params.activity !== null || params.origin !== null || params.search !== null;

  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Instances</h1>
        <div className="flex flex-wrap items-center gap-2">
          {canOperate ? (
            <>
              <Button onClick={handleRefreshAll} disabled={refreshAll.isPending} aria-busy={refreshAll.isPending || undefined}>
                Refresh status
              </Button>
              <Button onClick={handleDiscover} disabled={discover.isPending} aria-busy={discover.isPending || undefined}>
                Discover now
              </Button>
            </>
          ) : null}
          {canAdmin ? (
            <>
              <Button onClick={() => handleRemovalPreview('cleanup')} disabled={cleanup.isPending}>
                Clean up stopped
              </Button>
              <Button onClick={() => handleRemovalPreview('prune')} disabled={prune.isPending}>
                Prune discovered
              </Button>
            </>
          ) : null}
          {canOperate ? (
            <Button variant="primary" onClick={() => setIsCreating(true)}>
              New instance
            </Button>
          ) : null}
        </div>
      </div>

      <DockerBanner />
      <FleetSummary />

      <InstanceFilters
        value={{ type: params.type, status: params.status, activity: params.activity, origin: params.origin, search: searchDraft }}
        onChange={handleFiltersChange}
        onReset={handleReset}
        searchRef={searchRef}
        searchShortcut="/"
        matched={matched}
        total={list.data?.total ?? 0}
      />

      {list.isError && list.data ? (
        <Banner variant="error" title="The list could not be refreshed; showing the last answer">
          {errorSentence(toSerializedError(list.error))}
        </Banner>
      ) : null}

      {isFiltered && matched > 0 && selectedNames.size === 0 ? (
        <section
          aria-label="Everything this filter matches"
          className="flex flex-wrap items-center gap-3 rounded-lg border border-zinc-200 bg-white px-4 py-2 text-sm dark:border-zinc-800 dark:bg-zinc-900"
        >
          <p className="font-medium">Everything this filter matches ({instancesNoun(matched)}, every page)</p>
          <div className="flex flex-wrap items-center gap-2">
            {(['start', 'stop', 'restart'] as const).map((kind) => (
              <Button key={kind} size="sm" onClick={() => handleFilterAction(kind)}>
                {`${actionWords[kind].label} ${instancesNoun(matched)}`}
              </Button>
            ))}
          </div>
        </section>
      ) : null}

      {selectedNames.size > 0 ? (
        <SelectionBar
          count={selectedNames.size}
          isDeleting={deleteMany.isPending}
          isRefreshing={refreshMany.isPending}
          onDelete={handleBulkDeleteOpen}
          onRefresh={handleBulkRefresh}
          onAction={handleSelectionAction}
          onClear={() => setSelectedNames(new Set())}
        />
      ) : null}

      <InstanceTable
        rows={items}
        sortBy={params.sort}
        sortOrder={params.order}
        onSortChange={handleSortChange}
        selectedNames={selectedNames}
        onSelectionChange={setSelectedNames}
        state={tableState}
        errorMessage={list.error ? errorSentence(toSerializedError(list.error)) : undefined}
        onRetry={() => void list.refetch()}
        emptyState={
          isFiltered ? (
            'No instance matches these filters.'
          ) : (
            <span>
              No instances yet. Create one with <strong>New instance</strong>, or look for containers with <strong>Discover now</strong>.
            </span>
          )
        }
        renderName={renderName}
        renderRowActions={renderRowActions}
        focusedId={focusedId}
        onFocusedIdChange={setFocusedId}
      />

      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        Press <kbd className="font-mono">?</kbd> for keyboard shortcuts.
      </p>

      <Pagination page={params.page} pageCount={pageCount} onPageChange={(page) => setParams({ ...params, page })} />

      {actionRequest ? (
        <InstanceActionDialog
          key={actionRequest.id}
          request={actionRequest.request}
          onClose={() => setActionRequest(null)}
        />
      ) : null}
      <ShortcutsDialog open={isShowingShortcuts} shortcuts={listShortcuts} onClose={() => setIsShowingShortcuts(false)} />
      {isCreating ? <CreateInstanceDialog onClose={() => setIsCreating(false)} /> : null}
      {editing ? <EditInstanceDialog instance={editing} onClose={() => setEditing(null)} /> : null}
      <DeleteInstanceDialog
        instance={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={(instance) => setSelectedNames((selected) => (selected.has(instance.name) ? toggleName(selected, instance.name) : selected))}
      />
      <BulkDeleteDialog
        names={bulkDeleteNames}
        removeRuntime={bulkRemoveRuntime}
        onRemoveRuntimeChange={setBulkRemoveRuntime}
        isPending={deleteMany.isPending}
        onConfirm={handleBulkDeleteConfirm}
        onCancel={() => setBulkDeleteNames([])}
      />
      <RemovalDialog
        preview={removal?.preview ?? null}
        title={removal ? removalText[removal.kind].title(removal.preview.removed.length) : ''}
        description={removal ? removalText[removal.kind].description : ''}
        isPending={removal ? removalMutation[removal.kind].isPending : false}
        onConfirm={handleRemovalConfirm}
        onCancel={() => setRemoval(null)}
      />
    </div>
  );
}
