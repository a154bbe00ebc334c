'use client';

import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { z } from 'zod';
import { fetchInstancesByIds } from './api-client';
import { applyInboxChanges } from './inbox-cache';
import type { Instance } from './core-schemas';
import { applyRecordChanges, contradictsDockerHealth, KnownRecords } from './live-cache';
import { dockerHealthKey, fleetSummaryKey, instanceKeys } from './queries';

/**
 * Where the page's push connection stands: `connecting` before the first answer, `live` while
 * GET /api/events delivers (polling is off), `reconnecting` after it broke until it is back
 * (polling is on meanwhile).
 */
export type LiveState = 'connecting' | 'live' | 'reconnecting';

const LiveContext = createContext<LiveState>('connecting');

/** The push connection's state; `live` means the views need not poll. */
export function useLiveState(): LiveState {
  return useContext(LiveContext);
}

// What GET /api/events sends as `event: change` (core's Change), checked before it is trusted.
const changeMessage = z.union([
  z.object({ all: z.literal(true), reason: z.string() }),
  z.object({ all: z.literal(false), ids: z.array(z.string()), deleted: z.array(z.string()) }),
]);

// The route answers at most this many ids per GET.
const idsPerRequest = 200;
// When EventSource gives up (an HTTP error, not a dropped stream), the page opens a new one
// after this wait (ms), doubling up to the last.
const reopenDelaysMs = [1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * Keeps the changes GET /api/events announces in order: ids that arrive while a fetch runs wait
 * for the next one (merged, so a burst costs one fetch), and a fetch that fails asks for a reload.
 */
class ChangeApplier {
  readonly #known = new KnownRecords();
  #pendingIds = new Set<string>();
  #pendingDeleted = new Set<string>();
  #isDraining = false;

  constructor(readonly queryClient: QueryClient) {}

  reloadAll(): void {
    this.#known.clear();
    void this.queryClient.invalidateQueries({ queryKey: instanceKeys.all });
    // An outage or its end is written as a change too; the banner should not wait for its poll.
    void this.queryClient.invalidateQueries({ queryKey: dockerHealthKey });
    void this.queryClient.invalidateQueries({ queryKey: fleetSummaryKey });
  }

  add(ids: readonly string[], deleted: readonly string[]): void {
    // An agent's activity or transcript may have changed: the fleet totals ask again (see fleetSummaryQuery).
    void this.queryClient.invalidateQueries({ queryKey: fleetSummaryKey });
    for (const id of deleted) {
      this.#pendingIds.delete(id);
      this.#pendingDeleted.add(id);
    }
    for (const id of ids) if (!this.#pendingDeleted.has(id)) this.#pendingIds.add(id);
    if (this.#isDraining) return;
    this.#isDraining = true;
    void this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      await this.#drainPending();
    } finally {
      // Cleared in the same turn the loop found nothing left, so an add() after it starts anew.
      this.#isDraining = false;
    }
  }

  async #drainPending(): Promise<void> {
    while (this.#pendingIds.size > 0 || this.#pendingDeleted.size > 0) {
      const ids = [...this.#pendingIds];
      const deleted = [...this.#pendingDeleted];
      this.#pendingIds = new Set();
      this.#pendingDeleted = new Set();
      try {
        const records: Instance[] = [];
        for (let start = 0; start < ids.length; start += idsPerRequest) {
          records.push(...(await fetchInstancesByIds(ids.slice(start, start + idsPerRequest))));
        }
        const found = new Set(records.map((record) => record.id));
        const changes = { records, goneIds: [...deleted, ...ids.filter((id) => !found.has(id))] };
        applyRecordChanges(this.queryClient, changes, this.#known);
        applyInboxChanges(this.queryClient, changes);
        if (contradictsDockerHealth(this.queryClient, records)) void this.queryClient.invalidateQueries({ queryKey: dockerHealthKey });
      } catch {
        // The changed records could not be read: what is shown may be behind, so read it all again.
        this.reloadAll();
      }
    }
  }
}

/**
 * Opens one GET /api/events per tab and applies what it announces to the query cache; children
 * read the connection's state with useLiveState(). EventSource reconnects by itself after a
 * dropped stream; after a refused one (an HTTP error) it stops, and this opens a new one with
 * backoff. Every (re)connect starts with `{ all: true }`, which reloads what is shown: changes
 * made while disconnected are not replayed.
 */
export function LiveUpdatesProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');

  useEffect(() => {
    const applier = new ChangeApplier(queryClient);
    let source: EventSource | null = null;
    let reopenTimer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;

    const open = () => {
      const current = new EventSource('/api/events');
      source = current;
      current.addEventListener('change', (event) => {
        const parsed = changeMessage.safeParse(typeof event.data === 'string' ? safeJson(event.data) : null);
        failures = 0;
        setState('live');
        if (!parsed.success || parsed.data.all) applier.reloadAll();
        else applier.add(parsed.data.ids, parsed.data.deleted);
      });
      current.addEventListener('error', () => {
        setState('reconnecting');
        if (current.readyState !== EventSource.CLOSED) return;
        current.close();
        const delay = reopenDelaysMs[Math.min(failures, reopenDelaysMs.length - 1)] ?? 30_000;
        failures += 1;
        reopenTimer = setTimeout(open, delay);
      });
    };
    open();
    return () => {
      clearTimeout(reopenTimer);
      source?.close();
    };
  }, [queryClient]);

  return <LiveContext value={state}>{children}</LiveContext>;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
