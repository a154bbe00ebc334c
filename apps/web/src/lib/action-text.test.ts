import { instanceStatuses } from '@cc-bridge/core/schemas';
import { describe, expect, it } from 'vitest';
import { rowActionsFor } from './action-text';

describe('rowActionsFor', () => {
  it('offers Start to a record that is not running, Stop and Restart to one that is', () => {
    expect(rowActionsFor('created')).toEqual(['start']);
    expect(rowActionsFor('stopped')).toEqual(['start']);
    expect(rowActionsFor('running')).toEqual(['stop', 'restart']);
  });

  it('offers every action where the status cannot be trusted', () => {
    expect(rowActionsFor('unknown')).toEqual(['start', 'stop', 'restart']);
    expect(rowActionsFor('error')).toEqual(['start', 'stop', 'restart']);
  });

  it('offers at least one action for every status', () => {
    for (const status of instanceStatuses) expect(rowActionsFor(status).length).toBeGreaterThan(0);
  });
});
