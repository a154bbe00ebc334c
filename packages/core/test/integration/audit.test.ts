import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/audit-log.ts';
import { isCcBridgeError } from '../../src/errors.ts';
import { createTestTmux, disposeAll, openTestBridge, testBackends, type TestBridge, type TestTmux } from '../../src/testing/index.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every entry of the log, newest first, read page by page through the cursor. */
async function allEntries(bridge: TestBridge): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let before: number | undefined;
  do {
    const page = await bridge.manager.listAudit({ limit: 3, ...(before ? { before } : {}) });
    entries.push(...page.items);
    before = page.nextCursor ?? undefined;
  } while (before);
  return entries;
}

describe.each(testBackends())('the audit log on the %s database', (backend) => {
  let tmux: TestTmux;
  let bridge: TestBridge;
  let configDir: string;

  beforeAll(async () => {
    tmux = await createTestTmux();
    configDir = await mkdtemp(join(tmpdir(), 'cc-bridge-audit-config-'));
    const configFile = join(configDir, 'config.toml');
    await writeFile(configFile, '[retention]\nstopped_after = "2s"\nevents_after = "2s"\n');
    bridge = await openTestBridge({ backend, tmuxSocket: tmux.socket, docker: false, env: { CC_BRIDGE_CONFIG: configFile } });
  });
  afterAll(async () => {
    await disposeAll(bridge, tmux);
    await rm(configDir, { recursive: true, force: true });
  });

  it('records a create with the fields it set, as the bridge’s own actor', async () => {
    await bridge.manager.createInstance({ name: 'audited', cwd: '/srv/one' });
    const [entry] = (await bridge.manager.listAudit({ instance: 'audited' })).items;
    expect(entry).toMatchObject({ actor: 'test', origin: null, action: 'create', target: 'audited' });
    expect(entry?.changes).toMatchObject({ name: { before: null, after: 'audited' }, cwd: { before: null, after: '/srv/one' }, type: { before: null, after: 'tmux' } });
    // Observations and bookkeeping are not what anyone set.
    expect(Object.keys(entry?.changes ?? {})).not.toContain('status');
    expect(Object.keys(entry?.changes ?? {})).not.toContain('version');
  });

  it('records an update as the caller it acts as, with before/after of the changed fields only', async () => {
    const alice = bridge.as({ actor: 'user:alice', origin: '192.0.2.7' });
    await alice.updateInstance('audited', { cwd: '/srv/two', tmuxSession: 'audited' });
    const [entry] = (await bridge.manager.listAudit({ instance: 'audited', action: 'update' })).items;
    expect(entry).toMatchObject({ actor: 'user:alice', origin: '192.0.2.7', action: 'update', changes: { cwd: { before: '/srv/one', after: '/srv/two' } } });
    expect(Object.keys(entry?.changes ?? {})).toEqual(['cwd']);
    // The instance's history names the same actor; the bridge's own calls still act as itself.
    const history = await bridge.manager.listEvents('audited');
    expect(history.at(-1)).toMatchObject({ kind: 'updated', actor: 'user:alice' });
    await bridge.manager.updateInstance('audited', { cwd: '/srv/three' });
    expect((await bridge.manager.listAudit({ instance: 'audited', action: 'update' })).items[0]).toMatchObject({ actor: 'test', origin: null });
  });

  it('lets a call name its own actor, keeping the origin of the principal', async () => {
    await bridge.as({ actor: 'user:bob', origin: '192.0.2.8' }).updateInstance('audited', { cwd: '/srv/four' }, { actor: 'discovery' });
    expect((await bridge.manager.listAudit({ instance: 'audited' })).items[0]).toMatchObject({ actor: 'discovery', origin: '192.0.2.8' });
  });

  it('writes nothing for a refused change, and refuses an empty principal', async () => {
    const before = (await allEntries(bridge)).length;
    const current = await bridge.manager.getInstanceOrThrow('audited');
    await expect(bridge.manager.updateInstance('audited', { cwd: '/srv/late' }, { expectedVersion: current.version - 1 })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(bridge.manager.updateInstance('audited', { cwd: 'relative' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await allEntries(bridge)).length).toBe(before);
    expect(() => bridge.as({ actor: ' ', origin: null })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }) as Error);
  });

  it('records start, send (its length, never its text) and stop, but not the status changes they cause', async () => {
    const operator = bridge.as({ actor: 'user:carol', origin: '192.0.2.9' });
    await operator.createInstance({ name: 'runner', cwd: '/tmp' }, { start: true });
    await operator.sendInput('runner', 'secret-token-123', { enter: false });
    await operator.stopInstance('runner');
    const entries = (await bridge.manager.listAudit({ instance: 'runner' })).items;
    expect(entries.map((entry) => entry.action)).toEqual(['stop', 'send', 'create']);
    expect(entries.every((entry) => entry.actor === 'user:carol' && entry.origin === '192.0.2.9')).toBe(true);
    expect(entries[1]?.detail).toMatchObject({ ok: true, chars: 16 });
    expect(JSON.stringify(entries)).not.toContain('secret-token-123');
    expect(entries[0]?.detail).toMatchObject({ ok: true });
    // The history has the status changes; the audit log does not.
    expect((await bridge.manager.listEvents('runner')).some((event) => event.kind === 'status_changed')).toBe(true);
  });

  it('filters by actor (any part, any case), instance across renames, action and time, newest first', async () => {
    await bridge.as({ actor: 'user:alice', origin: null }).updateInstance('audited', { name: 'renamed' });
    const byInstance = (await bridge.manager.listAudit({ instance: 'RENAMED' })).items;
    expect(byInstance.at(-1)).toMatchObject({ action: 'create', target: 'audited' });
    expect(byInstance[0]).toMatchObject({ action: 'update', target: 'renamed', changes: { name: { before: 'audited', after: 'renamed' } } });
    expect(byInstance.map((entry) => entry.id)).toEqual([...byInstance.map((entry) => entry.id)].sort((a, b) => b - a));
    const alice = (await bridge.manager.listAudit({ actor: 'ALICE' })).items;
    expect(alice.length).toBe(2);
    expect(alice.every((entry) => entry.actor === 'user:alice')).toBe(true);
    expect((await bridge.manager.listAudit({ action: 'send' })).items.map((entry) => entry.target)).toEqual(['runner']);
    const future = new Date(Date.now() + 60_000);
    expect((await bridge.manager.listAudit({ since: future })).items).toEqual([]);
    expect((await bridge.manager.listAudit({ until: new Date(0) })).items).toEqual([]);
    const error = await bridge.manager.listAudit({ limit: 0 }).catch((caught: unknown) => caught);
    expect(isCcBridgeError(error, 'INVALID_INPUT')).toBe(true);
  });

  it('records a delete with the fields the record had', async () => {
    await bridge.manager.deleteInstance('renamed');
    const [entry] = (await bridge.manager.listAudit({ instance: 'renamed' })).items;
    expect(entry).toMatchObject({ action: 'delete', changes: { name: { before: 'renamed', after: null }, cwd: { before: '/srv/four', after: null } } });
  });

  it('applies retention: a dry run removes nothing; the run removes old stopped records and history, audited as `retention`', async () => {
    await sleep(2100);
    const dry = await bridge.manager.applyRetention({ dryRun: true });
    expect(dry.removed.map((instance) => instance.name)).toEqual(['runner']);
    expect(dry.events).toBeGreaterThan(0);
    expect(await bridge.manager.getInstance('runner')).not.toBeNull();
    const logBefore = (await allEntries(bridge)).length;
    expect((await bridge.manager.listAudit({ actor: 'retention' })).items).toEqual([]);

    const run = await bridge.manager.applyRetention();
    expect(run.removed.map((instance) => instance.name)).toEqual(['runner']);
    // The delete's own event is new, so it stays; everything older went.
    expect(run.events).toBe(dry.events);
    expect(await bridge.manager.getInstance('runner')).toBeNull();
    const retention = (await bridge.manager.listAudit({ actor: 'retention' })).items;
    expect(retention.map((entry) => entry.action)).toEqual(['prune-events', 'delete']);
    expect(retention[0]).toMatchObject({ target: 'events', detail: { removed: run.events } });
    expect(retention[1]).toMatchObject({ target: 'runner', changes: { name: { before: 'runner', after: null } } });
    // The audit log itself is never pruned.
    expect((await allEntries(bridge)).length).toBe(logBefore + 2);
    expect((await bridge.manager.listEvents('runner')).map((event) => event.kind)).toEqual(['deleted']);
  });
});
