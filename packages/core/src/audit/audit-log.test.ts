import { describe, expect, it } from 'vitest';
import { auditOfEvent, diffFields } from './audit-log.ts';

const base = { instanceId: '00000000-0000-4000-8000-000000000001', instanceName: 'api', actor: 'user:alice' };

describe('auditOfEvent', () => {
  it('leaves out what runtimes report', () => {
    for (const kind of ['status_changed', 'activity_changed', 'runtime_reachable', 'runtime_unreachable'] as const) {
      expect(auditOfEvent({ ...base, kind, from: 'running', to: 'stopped' })).toBeNull();
    }
  });

  it('turns an update’s from/to maps into before/after per field', () => {
    expect(auditOfEvent({ ...base, kind: 'updated', from: { cwd: '/a', name: 'old' }, to: { cwd: '/b', name: 'api' } })).toMatchObject({
      action: 'update',
      target: 'api',
      changes: { cwd: { before: '/a', after: '/b' }, name: { before: 'old', after: 'api' } },
    });
  });

  it('keeps a create’s set fields, not its observations or nulls', () => {
    const entry = auditOfEvent({ ...base, kind: 'created', to: { id: 'x', name: 'api', cwd: null, status: 'created', version: 1, tmuxSession: 'api' } });
    expect(entry?.changes).toEqual({ name: { before: null, after: 'api' }, tmuxSession: { before: null, after: 'api' } });
  });

  it('logs an action event as its action, the outcome as detail, a re-create’s fields as changes', () => {
    expect(auditOfEvent({ ...base, kind: 'action', to: { action: 'send', ok: true, chars: 5, enter: true } })).toMatchObject({
      action: 'send',
      changes: null,
      detail: { ok: true, chars: 5, enter: true },
    });
    expect(auditOfEvent({ ...base, kind: 'action', from: { containerId: 'a' }, to: { action: 'recreate', ok: true, containerId: 'b' } })).toMatchObject({
      action: 'recreate',
      changes: { containerId: { before: 'a', after: 'b' } },
      detail: { ok: true },
    });
  });
});

describe('diffFields', () => {
  it('keeps the fields that differ, dates by their time', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    expect(diffFields({ role: 'viewer', at, same: 1 }, { role: 'admin', at: new Date(at.getTime()), same: 1 })).toEqual({ role: { before: 'viewer', after: 'admin' } });
  });
});
