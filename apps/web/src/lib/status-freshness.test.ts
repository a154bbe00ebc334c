import type { RefreshReport } from '@cc-bridge/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { ensureFreshStatuses } from './status-freshness';

const report: RefreshReport = { checked: 0, changed: [], errors: [], engine: null, otherEngine: [] };

/** A manager whose refreshes finish when the test says so, counting how many were started. */
function controlledManager() {
  const pending: { resolve: (value: RefreshReport) => void; reject: (error: Error) => void }[] = [];
  return {
    pending,
    manager: {
      refreshStatuses: () => new Promise<RefreshReport>((resolve, reject) => pending.push({ resolve, reject })),
    },
  };
}

describe('ensureFreshStatuses', () => {
  let clock = 0;
  const now = () => clock;

  beforeEach(() => {
    clock = 1_000_000;
    delete (globalThis as { ccBridgeLastRefresh?: unknown }).ccBridgeLastRefresh;
  });

  it('lets callers that arrive while a refresh runs wait for that one', async () => {
    const { manager, pending } = controlledManager();
    const first = ensureFreshStatuses(manager, 3_000, now);
    const second = ensureFreshStatuses(manager, 3_000, now);
    expect(pending).toHaveLength(1);
    pending[0]?.resolve(report);
    expect(await first).toBe(report);
    expect(await second).toBe(report);
  });

  it('answers from a refresh younger than the interval, and asks again once it is older', async () => {
    const { manager, pending } = controlledManager();
    const first = ensureFreshStatuses(manager, 3_000, now);
    pending[0]?.resolve(report);
    await first;
    clock += 2_999;
    await ensureFreshStatuses(manager, 3_000, now);
    expect(pending).toHaveLength(1);
    clock += 1;
    void ensureFreshStatuses(manager, 3_000, now);
    expect(pending).toHaveLength(2);
  });

  it('joins a refresh still running past the interval instead of starting a second', () => {
    const { manager, pending } = controlledManager();
    void ensureFreshStatuses(manager, 3_000, now);
    clock += 10_000;
    void ensureFreshStatuses(manager, 3_000, now);
    expect(pending).toHaveLength(1);
  });

  it('passes a failed refresh on to its callers and does not reuse it', async () => {
    const { manager, pending } = controlledManager();
    const failing = ensureFreshStatuses(manager, 3_000, now);
    pending[0]?.reject(new Error('database busy'));
    await expect(failing).rejects.toThrow('database busy');
    void ensureFreshStatuses(manager, 3_000, now);
    expect(pending).toHaveLength(2);
  });
});
