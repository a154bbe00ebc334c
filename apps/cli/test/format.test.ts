import { CcBridgeError, noActivity, unobservedContainer, type Instance } from '@cc-bridge/core';
import { describe, expect, it } from 'vitest';
import {
  formatAge,
  formatDeleted,
  formatDiscoveryDetails,
  formatDiscoverySummary,
  formatError,
  formatImportSummary,
  formatInstanceDetails,
  formatInstanceTable,
  formatRemovalSummary,
  formatRuntime,
  formatStatus,
  formatTable,
  instanceToJson,
} from '../src/format.ts';
import { CliError } from '../src/io.ts';

const now = new Date(2026, 10, 28, 12, 0, 0);

function instance(overrides: Partial<Instance> = {}): Instance {
  return {
    id: '6f1c1b8e-2f0a-4c4e-9d7a-0c9b1f2e3d4a',
    name: 'api',
    type: 'tmux',
    status: 'running',
    origin: 'manual',
    createdAt: new Date(2026, 10, 27, 9, 5),
    updatedAt: new Date(2026, 10, 28, 11, 0),
    lastSeenAt: new Date(2026, 10, 28, 11, 55),
    lastActivityAt: null,
    tmuxSession: 'claude-api',
    pid: 4242,
    cwd: '/srv/api',
    containerId: null,
    containerName: null,
    imageName: null,
    dockerNetwork: null,
    dockerHost: null,
    ...unobservedContainer,
    ...noActivity,
    version: 3,
    ...overrides,
  };
}

const engine = { id: 'KMQC:RRWF:LZUB', name: 'vm', endpoint: 'unix:///var/run/docker.sock' };

const docker = instance({
  name: 'sandbox-long-name',
  type: 'docker',
  status: 'stopped',
  origin: 'discovered',
  tmuxSession: null,
  pid: null,
  cwd: null,
  containerId: '3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e',
  containerName: 'claude-sandbox',
  imageName: 'cc-bridge:latest',
  dockerNetwork: 'none',
  runtimeState: 'exited',
  exitCode: 3,
  oomKilled: false,
  dockerEngineId: engine.id,
  dockerEndpoint: engine.endpoint,
  lastSeenAt: null,
});

describe('instanceToJson', () => {
  it('gives every field in camelCase with ISO dates, and round-trips through JSON', () => {
    const since = new Date(2026, 10, 28, 11, 58);
    const json = instanceToJson(
      instance({ activity: 'waiting', activitySince: since, activityReason: 'Bash: rm -rf build', claudeSessionId: 'c0ffee', claudeTranscriptPath: '/home/me/.claude/projects/-srv-api/c0ffee.jsonl' }),
    );
    expect(json).toEqual({
      id: '6f1c1b8e-2f0a-4c4e-9d7a-0c9b1f2e3d4a',
      name: 'api',
      type: 'tmux',
      status: 'running',
      origin: 'manual',
      createdAt: new Date(2026, 10, 27, 9, 5).toISOString(),
      updatedAt: new Date(2026, 10, 28, 11, 0).toISOString(),
      lastSeenAt: new Date(2026, 10, 28, 11, 55).toISOString(),
      lastActivityAt: null,
      tmuxSession: 'claude-api',
      pid: 4242,
      cwd: '/srv/api',
      containerId: null,
      containerName: null,
      imageName: null,
      dockerNetwork: null,
      runtimeState: null,
      runtimeHealth: null,
      exitCode: null,
      oomKilled: null,
      dockerEngineId: null,
      dockerEndpoint: null,
      dockerHost: null,
      activity: 'waiting',
      activitySince: since.toISOString(),
      activityReason: 'Bash: rm -rf build',
      claudeSessionId: 'c0ffee',
      claudeTranscriptPath: '/home/me/.claude/projects/-srv-api/c0ffee.jsonl',
      tokens: null,
      version: 3,
    });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('carries the token use it is given', () => {
    const tokens = { input: 107, output: 23, cacheCreation: 311, cacheRead: 4013 };
    expect(instanceToJson(instance(), tokens).tokens).toEqual(tokens);
  });

  it('leaves out anything that is not an Instance field', () => {
    const withExtra = Object.assign(instance(), { internalCache: 'x' });
    expect(Object.keys(instanceToJson(withExtra))).not.toContain('internalCache');
  });
});

describe('formatTable', () => {
  it('pads each column to its widest cell and trims line ends', () => {
    expect(formatTable(['A', 'LONG'], [['wide cell', 'x'], ['b', '']])).toBe('A          LONG\nwide cell  x\nb\n');
  });
});

describe('formatInstanceTable', () => {
  it('lines up one row per instance under the headers', () => {
    const lines = formatInstanceTable([instance({ activity: 'waiting' }), docker], now).split('\n');
    expect(lines[0]).toMatch(/^NAME\s+TYPE\s+STATUS\s+ACTIVITY\s+ORIGIN\s+SESSION\/CONTAINER\s+IMAGE\s+HOST\s+CREATED\s+LAST SEEN$/);
    expect(lines[1]).toMatch(/^api\s+tmux\s+running\s+waiting\s+manual\s+claude-api\s+-\s+-\s+2026-11-27 09:05\s+5m ago$/);
    expect(lines[2]).toMatch(/^sandbox-long-name\s+docker\s+stopped\s+unknown\s+discovered\s+claude-sandbox \(3f4e5d6c7b8a\)\s+cc-bridge:latest\s+-\s+2026-11-27 09:05\s+-$/);
    const statusColumn = lines[0]?.indexOf('STATUS');
    expect(lines[1]?.indexOf('running')).toBe(statusColumn);
    expect(lines[2]?.indexOf('stopped')).toBe(statusColumn);
  });
});

describe('formatRuntime', () => {
  it('shows the session of a tmux instance and the container of a Docker one', () => {
    expect(formatRuntime(instance())).toBe('claude-api');
    expect(formatRuntime(docker)).toBe('claude-sandbox (3f4e5d6c7b8a)');
    expect(formatRuntime(instance({ tmuxSession: null }))).toBe('-');
  });
});

describe('formatAge', () => {
  it.each([
    [null, '-'],
    [new Date(now.getTime() - 5_000), 'just now'],
    [new Date(now.getTime() + 5_000), 'just now'],
    [new Date(now.getTime() - 5 * 60_000), '5m ago'],
    [new Date(now.getTime() - 3 * 3_600_000), '3h ago'],
    [new Date(now.getTime() - 3 * 86_400_000), '3d ago'],
  ])('says %s is %s', (date, text) => {
    expect(formatAge(date, now)).toBe(text);
  });
});

describe('formatInstanceDetails', () => {
  it('lists the fields that hold something, labels aligned', () => {
    const text = formatInstanceDetails(instance(), now);
    expect(text).toContain('name:          api\n');
    expect(text).toContain('tmux session:  claude-api\n');
    expect(text).toContain('pid:           4242\n');
    expect(text).not.toContain('container id');
    expect(text).toContain('last activity: -\n');
    expect(text).not.toContain('engine');
  });

  it("shows the agent: activity, since, what it waits on, Claude's session and transcript, tokens", () => {
    const since = new Date(2026, 10, 28, 11, 58);
    const waiting = instance({ activity: 'waiting', activitySince: since, activityReason: 'Bash: rm -rf build', claudeSessionId: 'c0ffee', claudeTranscriptPath: '/t/c0ffee.jsonl' });
    const text = formatInstanceDetails(waiting, now, { input: 107, output: 23, cacheCreation: 311, cacheRead: 4013 });
    const line = (label: string) => text.split('\n').find((entry) => entry.startsWith(`${label}:`))?.slice(label.length + 1).trim();
    expect(line('activity')).toBe('waiting');
    expect(line('activity since')).toBe('2026-11-28 11:58 (2m ago)');
    expect(line('waiting on')).toBe('Bash: rm -rf build');
    expect(line('claude session')).toBe('c0ffee');
    expect(line('transcript')).toBe('/t/c0ffee.jsonl');
    expect([line('input tokens'), line('output tokens'), line('cache creation tokens'), line('cache read tokens')]).toEqual(['107', '23', '311', '4013']);
    // Unknown token use: no token lines at all.
    expect(formatInstanceDetails(waiting, now)).not.toContain('tokens');
  });

  it("shows a container's state as the Engine words it, and which Engine it belongs to", () => {
    const text = formatInstanceDetails(docker, now);
    expect(text).toContain('engine state:   exited (3)\n');
    expect(text).toContain('engine:         KMQC:RRWF:LZUB at unix:///var/run/docker.sock\n');
  });
});

describe('summaries', () => {
  it('summarises a discovery run in one line', () => {
    const report = { engine, found: 3, added: ['a', 'b'], updated: ['c'], markedStopped: [], otherEngine: [], conflicts: [], errors: [] };
    expect(formatDiscoverySummary(report)).toBe(
      'discovered 3 containers on Docker Engine vm (KMQC:RRWF:LZUB) at unix:///var/run/docker.sock: added 2, updated 1, marked 0 stopped',
    );
    expect(formatDiscoverySummary({ ...report, otherEngine: ['keep'] })).toMatch(/marked 0 stopped; 1 record of another Engine left alone$/);
    expect(
      formatDiscoverySummary({ ...report, engine: null, found: 0, added: [], updated: [], errors: [{ code: 'DOCKER_UNAVAILABLE', message: 'no engine' }] }),
    ).toBe('discovered 0 containers: added 0, updated 0, marked 0 stopped; 1 error');
  });

  it('names the records of another Engine a discovery left alone', () => {
    const report = { engine, found: 0, added: [], updated: [], markedStopped: [], otherEngine: ['keep'], conflicts: [], errors: [] };
    expect(formatDiscoveryDetails(report)).toBe('left alone keep: its container belongs to another Docker Engine\n');
  });

  it('says whether a removal was a dry run', () => {
    expect(formatRemovalSummary({ dryRun: true, removed: [instance()], engine: null, otherEngine: [] }, 'stopped instance')).toBe(
      'would remove 1 stopped instance (dry run, nothing removed)',
    );
    expect(formatRemovalSummary({ dryRun: false, removed: [], engine: null, otherEngine: [] }, 'discovered record')).toBe('removed 0 discovered records');
  });

  it('names the Engine a prune asked, and the records of another Engine it kept', () => {
    expect(formatRemovalSummary({ dryRun: true, removed: [], engine, otherEngine: ['keep'] }, 'discovered record')).toBe(
      'would remove 0 discovered records (dry run, nothing removed) on Docker Engine vm (KMQC:RRWF:LZUB) at unix:///var/run/docker.sock; kept 1 record of another Engine: keep',
    );
  });

  it('counts imported and skipped records', () => {
    expect(formatImportSummary({ imported: ['a', 'b', 'c'], skipped: [{ name: 'd', reason: 'bad' }] })).toBe(
      'imported 3 of 4 records, skipped 1',
    );
  });
});

describe('formatStatus', () => {
  it("adds the Engine's own words to a container's status", () => {
    const result = { instance: { ...docker, name: 'crashy', status: 'error' as const, runtimeState: 'restarting' }, status: 'error' as const, checkedAt: now, isFresh: true, error: null };
    expect(formatStatus(result, now)).toBe('crashy: error (checked just now; Docker says restarting (3))\n');
    expect(formatStatus({ ...result, instance: instance() }, now)).toBe('api: error (checked just now)\n');
  });
});

describe('formatDeleted', () => {
  const box = instance({ name: 'box', type: 'docker', tmuxSession: null, pid: null, cwd: null, containerId: 'a'.repeat(64), containerName: 'box' });

  it('says what became of the session or container', () => {
    expect(formatDeleted({ instance: instance(), runtime: 'kept' })).toBe('Deleted api.');
    expect(formatDeleted({ instance: instance(), runtime: 'removed' })).toBe('Deleted api (tmux session killed).');
    expect(formatDeleted({ instance: box, runtime: 'removed' })).toBe('Deleted box (container stopped and removed).');
  });

  it('does not claim to have removed what was already gone', () => {
    expect(formatDeleted({ instance: instance(), runtime: 'gone' })).toBe('Deleted api (its tmux session was already gone).');
    expect(formatDeleted({ instance: box, runtime: 'gone' })).toBe('Deleted box (its container was already gone).');
  });
});

describe('formatError', () => {
  it('prints a core error as one line', () => {
    expect(formatError(new CcBridgeError('NOT_FOUND', 'No instance named "x"'))).toBe('cc-bridge: No instance named "x"\n');
  });

  it('lists field errors the message does not already give', () => {
    const error = new CcBridgeError('INVALID_INPUT', 'Invalid instance', {
      fieldErrors: { name: ['must start with a letter'], containerId: ['is a Docker field'] },
    });
    expect(formatError(error)).toBe('cc-bridge: Invalid instance: name must start with a letter; containerId is a Docker field\n');
  });

  it('does not repeat field errors already in the message', () => {
    const error = new CcBridgeError('INVALID_INPUT', 'Invalid instance: name must start with a letter', {
      fieldErrors: { name: ['must start with a letter'] },
    });
    expect(formatError(error)).toBe('cc-bridge: Invalid instance: name must start with a letter\n');
  });

  it('does not repeat a field error the message says in other words', () => {
    const error = new CcBridgeError('CONTAINER_TAKEN', 'Container abababababab is already registered as "one"', {
      fieldErrors: { containerId: ['is already registered as "one"'] },
    });
    expect(formatError(error)).toBe('cc-bridge: Container abababababab is already registered as "one"\n');
  });

  it('keeps a multi-line message on one line', () => {
    expect(formatError(new CliError('cannot read x:\n  ENOENT'))).toBe('cc-bridge: cannot read x: ENOENT\n');
  });

  it('marks anything else as unexpected', () => {
    expect(formatError(new TypeError('boom'))).toBe('cc-bridge: unexpected error: boom (run with --verbose for details)\n');
  });
});
