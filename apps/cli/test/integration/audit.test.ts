// `cc-bridge audit` and `instances cleanup --policy`: the real command against a fresh embedded database (see sandbox.ts).
import { writeFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, disposeSandboxes, type Sandbox } from './sandbox.ts';

afterEach(disposeSandboxes);

interface AuditJson {
  at: string;
  actor: string;
  origin: string | null;
  action: string;
  target: string;
  changes: Record<string, { before: unknown; after: unknown }> | null;
  detail: Record<string, unknown> | null;
}

async function audit(sandbox: Sandbox, args: string[] = []): Promise<AuditJson[]> {
  const result = await sandbox.run(['audit', '--json', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as AuditJson[];
}

async function ok(sandbox: Sandbox, args: string[], env: Record<string, string> = {}): Promise<string> {
  const result = await sandbox.run(args, env);
  expect(result.stderr.includes('cc-bridge:') ? result.stderr : '').toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

describe('cc-bridge audit', () => {
  it('lists who changed what from where, with before/after, newest first, filtered by instance, action, actor and age', async () => {
    const sandbox = await createSandbox();
    await ok(sandbox, ['instances', 'create', 'notes', '--cwd', '/srv/a']);
    await ok(sandbox, ['instances', 'update', 'notes', '--cwd', '/srv/b']);
    await ok(sandbox, ['instances', 'create', 'other']);
    await ok(sandbox, ['instances', 'delete', 'other', '--yes']);

    const actor = `cli:${userInfo().username}`;
    const all = await audit(sandbox);
    expect(all.map((entry) => `${entry.action} ${entry.target}`)).toEqual(['delete other', 'create other', 'update notes', 'create notes']);
    expect(all.every((entry) => entry.actor === actor && entry.origin === `cli@${hostname()}`)).toBe(true);
    expect(all[2]?.changes).toEqual({ cwd: { before: '/srv/a', after: '/srv/b' } });

    expect((await audit(sandbox, ['--instance', 'NOTES'])).map((entry) => entry.action)).toEqual(['update', 'create']);
    expect((await audit(sandbox, ['--action', 'delete'])).map((entry) => entry.target)).toEqual(['other']);
    expect(await audit(sandbox, ['--actor', 'retention'])).toEqual([]);
    expect((await audit(sandbox, ['--since', '1h'])).length).toBe(4);

    const table = await ok(sandbox, ['audit', '--instance', 'notes']);
    expect(table.split('\n')[0]).toMatch(/^TIME +ACTOR +ORIGIN +ACTION +TARGET +CHANGES$/);
    expect(table).toContain('cwd: /srv/a → /srv/b');

    const bad = await sandbox.run(['audit', '--since', '7']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unit is missing/);
  });
});

describe('cc-bridge instances cleanup --policy', () => {
  it('applies [retention]: a dry run removes nothing, the run removes old stopped records and history, audited as retention', async () => {
    const sandbox = await createSandbox();
    const config = join(sandbox.env.HOME ?? '', 'retention.toml');
    await writeFile(config, '[retention]\nstopped_after = "1s"\nevents_after = "1s"\n');
    const env = { CC_BRIDGE_CONFIG: config };
    await ok(sandbox, ['instances', 'create', 'old-one', '--start'], env);
    await ok(sandbox, ['instances', 'stop', 'old-one'], env);
    await ok(sandbox, ['instances', 'create', 'kept'], env);
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const usage = await sandbox.run(['instances', 'cleanup', '--policy', '--older-than', '1d'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--policy applies \[retention\]/);

    const dry = JSON.parse(await ok(sandbox, ['instances', 'cleanup', '--policy', '--dry-run', '--json'], env)) as { dryRun: boolean; removed: { name: string }[]; events: number };
    expect(dry.dryRun).toBe(true);
    expect(dry.removed.map((instance) => instance.name)).toEqual(['old-one']);
    expect(dry.events).toBeGreaterThan(0);
    expect(await audit(sandbox, ['--actor', 'retention'])).toEqual([]);

    const run = await sandbox.run(['instances', 'cleanup', '--policy'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('old-one');
    const summary = /removed 1 stopped instance unchanged since .*; removed (\d+) events? older than/.exec(run.stderr);
    expect(summary).not.toBeNull();
    expect((await sandbox.run(['instances', 'show', 'old-one'], env)).code).toBe(1);
    expect((await sandbox.run(['instances', 'show', 'kept'], env)).code).toBe(0);

    const retention = await audit(sandbox, ['--actor', 'retention']);
    expect(retention.map((entry) => `${entry.action} ${entry.target}`)).toEqual(['prune-events events', 'delete old-one']);
    expect(retention[0]?.detail).toMatchObject({ removed: Number(summary?.[1]) });
    expect(Number(summary?.[1])).toBeGreaterThanOrEqual(dry.events);
  });

  it('says what it keeps when [retention] sets nothing', async () => {
    const sandbox = await createSandbox();
    const run = await sandbox.run(['instances', 'cleanup', '--policy']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('stopped records kept (no stopped_after); history kept (no events_after)\n');
  });
});
