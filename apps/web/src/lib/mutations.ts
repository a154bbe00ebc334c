'use client';

import type { Instance, ListInstancesResult, UpdateInstancePatch } from '@cc-bridge/core';
import { inputFieldNames } from './core-schemas';
import { useMutation, useQueryClient, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { answerInstanceAction } from '@/actions/answer-instance';
import { cleanupStoppedAction } from '@/actions/cleanup-stopped';
import { createInstanceAction } from '@/actions/create-instance';
import { deleteInstanceAction } from '@/actions/delete-instance';
import { deleteInstancesAction } from '@/actions/delete-instances';
import { discoverInstancesAction } from '@/actions/discover-instances';
import { pruneDiscoveredAction } from '@/actions/prune-discovered';
import { recreateInstanceAction } from '@/actions/recreate-instance';
import { resumeInstanceAction } from '@/actions/resume-instance';
import { refreshInstanceStatusAction } from '@/actions/refresh-instance-status';
import { refreshInstancesStatusAction } from '@/actions/refresh-instances-status';
import { refreshStatusesAction } from '@/actions/refresh-statuses';
import { runInstanceActionAction } from '@/actions/run-instance-action';
import type { ActionResult } from '@/actions/safe-action';
import { updateInstanceAction } from '@/actions/update-instance';
import { ActionError } from './error-messages';
import { dockerHealthKey, instanceKeys } from './queries';

/** Mutation functions throw, so TanStack Query sees a failed action as an error state. */
export function unwrap<T>(result: ActionResult<T>): T {
  if (!result.ok) throw new ActionError(result.error);
  return result.data;
}

type ListSnapshot = Array<[QueryKey, ListInstancesResult | undefined]>;

/** Applies `change` to every cached list page now, and returns what to put back if the server says no. */
async function changeCachedLists(
  queryClient: QueryClient,
  change: (list: ListInstancesResult) => ListInstancesResult,
): Promise<ListSnapshot> {
  // A background refetch in flight would land after the optimistic change and undo it.
  await queryClient.cancelQueries({ queryKey: instanceKeys.lists() });
  const snapshot = queryClient.getQueriesData<ListInstancesResult>({ queryKey: instanceKeys.lists() });
  queryClient.setQueriesData<ListInstancesResult>({ queryKey: instanceKeys.lists() }, (list) => (list ? change(list) : list));
  return snapshot;
}

function restoreLists(queryClient: QueryClient, snapshot: ListSnapshot | undefined): void {
  for (const [key, data] of snapshot ?? []) queryClient.setQueryData(key, data);
}

function invalidateInstances(queryClient: QueryClient): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: instanceKeys.all });
}

export function useCreateInstance() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (variables: Parameters<typeof createInstanceAction>[0]) => unwrap(await createInstanceAction(variables)),
    onSettled: () => invalidateInstances(queryClient),
  });
}

/** What a patch does to a record: absent fields stay, null clears. */
function applyPatch(instance: Instance, patch: UpdateInstancePatch): Instance {
  const next: Instance = { ...instance };
  if (patch.name !== undefined) next.name = patch.name;
  for (const field of inputFieldNames) {
    const value = patch[field];
    if (value !== undefined) Object.assign(next, { [field]: value });
  }
  return next;
}

export function useUpdateInstance() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (variables: { name: string; patch: UpdateInstancePatch; expectedVersion: number }) =>
      unwrap(await updateInstanceAction(variables)),
    onMutate: ({ name, patch }) =>
      changeCachedLists(queryClient, (list) => ({
        ...list,
        items: list.items.map((item) => (item.name === name ? applyPatch(item, patch) : item)),
      })),
    onError: (_error, _variables, snapshot) => restoreLists(queryClient, snapshot),
    onSettled: () => invalidateInstances(queryClient),
  });
}

export function useDeleteInstance() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (variables: { name: string; removeRuntime: boolean }) => unwrap(await deleteInstanceAction(variables)),
    onMutate: ({ name }) =>
      changeCachedLists(queryClient, (list) => {
        const items = list.items.filter((item) => item.name !== name);
        const removed = list.items.length - items.length;
        return { ...list, items, matched: list.matched - removed, total: list.total - removed };
      }),
    onError: (_error, _variables, snapshot) => restoreLists(queryClient, snapshot),
    onSettled: () => invalidateInstances(queryClient),
  });
}

/** Deletes several records; the answer says which went and which did not (and why). */
export function useDeleteInstances() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (variables: { names: string[]; removeRuntime: boolean }) => unwrap(await deleteInstancesAction(variables)),
    onSettled: () => invalidateInstances(queryClient),
  });
}

export function useRefreshInstancesStatus() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (names: string[]) => unwrap(await refreshInstancesStatusAction({ names })),
    onSettled: () => invalidateInstances(queryClient),
  });
}

export function useRefreshInstanceStatus() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (name: string) => unwrap(await refreshInstanceStatusAction({ name })),
    onSuccess: (result) => {
      // The answer is the fresh record: show it everywhere at once instead of waiting for a refetch.
      queryClient.setQueriesData<ListInstancesResult>({ queryKey: instanceKeys.lists() }, (list) =>
        list ? { ...list, items: list.items.map((item) => (item.id === result.instance.id ? result.instance : item)) } : list,
      );
      return invalidateInstances(queryClient);
    },
  });
}

export function useRefreshStatuses() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => unwrap(await refreshStatusesAction({})),
    onSettled: () => invalidateInstances(queryClient),
  });
}

export function useDiscoverInstances() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => unwrap(await discoverInstancesAction({})),
    onSettled: () => Promise.all([invalidateInstances(queryClient), queryClient.invalidateQueries({ queryKey: dockerHealthKey })]),
  });
}

export function useCleanupStopped() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (variables: { dryRun: boolean }) => unwrap(await cleanupStoppedAction(variables)),
    onSettled: (report) => (report?.dryRun ? undefined : invalidateInstances(queryClient)),
  });
}

export function usePruneDiscovered() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (variables: { dryRun: boolean }) => unwrap(await pruneDiscoveredAction(variables)),
    onSettled: (report) => (report?.dryRun ? undefined : invalidateInstances(queryClient)),
  });
}

/** What start/stop/restart are sent: names, or the list's filter (every record it matches). */
export type InstanceActionVariables = Parameters<typeof runInstanceActionAction>[0];

/**
 * Starts, stops or restarts instances; the answer is one result per record. The rows change by
 * push as each record is written; afterwards the shown queries are read once more in case the
 * push is down.
 */
export function useRunInstanceAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (variables: InstanceActionVariables) => unwrap(await runInstanceActionAction(variables)),
    onSettled: () => invalidateInstances(queryClient),
  });
}

/** Re-creates a Docker record's gone container from its image (actions/recreate-instance.ts). */
export function useRecreateInstance() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (name: string) => unwrap(await recreateInstanceAction({ name })),
    onSettled: () => invalidateInstances(queryClient),
  });
}

/** Resumes a tmux agent's last conversation (actions/resume-instance.ts). */
export function useResumeInstance() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (name: string) => unwrap(await resumeInstanceAction({ name })),
    onSettled: () => invalidateInstances(queryClient),
  });
}

/**
 * Answers a waiting agent (actions/answer-instance.ts). Success changes nothing here: the agent
 * moving on is pushed like any change and takes the item out of the inbox (lib/inbox-cache.ts).
 * A refusal (it no longer waits) reads the inbox again, since what it shows is behind.
 */
export function useAnswerInstance() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (variables: Parameters<typeof answerInstanceAction>[0]) => unwrap(await answerInstanceAction(variables)),
    onError: () => queryClient.invalidateQueries({ queryKey: instanceKeys.inbox() }),
  });
}
