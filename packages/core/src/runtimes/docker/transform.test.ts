import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';

import {
  commandsFromTop,
  containerInfoFromInspect,
  containerInfoFromSummary,
  containerNameFromNames,
  engineFromInfo,
  needsOomCheck,
  parseContainerStatus,
} from './transform.ts';

// Shapes as Engine 20.10 (API 1.41) returns them for a `--network none` container.
const summary: Dockerode.ContainerInfo = {
  Id: 'f0cce306ee28f60d2d4a0b7ff0f66f724b5cfdec143108d84476a20d0a690a21',
  Names: ['/probe-x'],
  Image: 'cc-bridge-test:latest',
  ImageID: 'sha256:1d9cb54bf4b451d7bcbeb9ab1aba81915db68d7bba7d8eb7ba63f6792d159c9b',
  Command: 'sleep 3600',
  Created: 1795877817,
  Ports: [],
  Labels: { 'cc-bridge.test': '1', x: 'y' },
  State: 'running',
  Status: 'Up Less than a second',
  HostConfig: { NetworkMode: 'none' },
  NetworkSettings: {
    Networks: {
      none: {
        IPAMConfig: null,
        Links: null,
        Aliases: null,
        NetworkID: '2633d080df93',
        EndpointID: 'c7a0170344bf',
        Gateway: '',
        IPAddress: '',
        IPPrefixLen: 0,
        IPv6Gateway: '',
        GlobalIPv6Address: '',
        GlobalIPv6PrefixLen: 0,
        MacAddress: '',
      },
    },
  },
  Mounts: [],
};

describe('containerInfoFromSummary', () => {
  it('maps a list entry, dropping the leading slash of the name', () => {
    expect(containerInfoFromSummary(summary)).toEqual({
      id: summary.Id,
      name: 'probe-x',
      image: 'cc-bridge-test:latest',
      state: 'running',
      health: null,
      exitCode: null,
      oomKilled: false,
      labels: { 'cc-bridge.test': '1', x: 'y' },
      networks: ['none'],
      createdAt: new Date(1795877817 * 1000),
    });
  });

  it('lists every network the container is attached to, sorted', () => {
    const attached = { ...summary.NetworkSettings.Networks };
    const none = attached.none;
    if (!none) throw new Error('fixture has no `none` network');
    const info = containerInfoFromSummary({ ...summary, NetworkSettings: { Networks: { work: none, agents: none } } });
    expect(info.networks).toEqual(['agents', 'work']);
  });

  it('reads null labels and networks from the Engine as empty', () => {
    const bare = JSON.parse(JSON.stringify({ ...summary, Labels: null, NetworkSettings: { Networks: null } })) as Dockerode.ContainerInfo;
    const info = containerInfoFromSummary(bare);
    expect(info.labels).toEqual({});
    expect(info.networks).toEqual([]);
  });

  it('does not share the label object with the summary', () => {
    const info = containerInfoFromSummary(summary);
    info.labels.extra = '1';
    expect(summary.Labels).not.toHaveProperty('extra');
  });
});

describe('parseContainerStatus', () => {
  // Texts as Engine 20.10 writes them (container/state.go, State.String).
  it.each([
    ['Exited (0) 5 seconds ago', 0, null],
    ['Exited (3) Less than a second ago', 3, null],
    ['Exited (137) 2 hours ago', 137, null],
    ['Restarting (3) 1 second ago', 3, null],
    ['Up 2 minutes', null, null],
    ['Up Less than a second (health: starting)', null, 'starting'],
    ['Up 5 seconds (healthy)', null, 'healthy'],
    ['Up About a minute (unhealthy)', null, 'unhealthy'],
    ['Up 3 hours (Paused)', null, null],
    ['Created', null, null],
    ['Dead', null, null],
    ['Removal In Progress', null, null],
    ['', null, null],
  ] as const)('%j → exit code %s, health %s', (status, exitCode, health) => {
    expect(parseContainerStatus(status)).toEqual({ exitCode, health });
  });
});

describe('containerInfoFromSummary, every state', () => {
  const entry = (State: string, Status: string) => containerInfoFromSummary({ ...summary, State, Status });

  it('keeps an exit code only for exited and restarting containers', () => {
    expect(entry('exited', 'Exited (3) 1 second ago')).toMatchObject({ state: 'exited', exitCode: 3, health: null, oomKilled: false });
    expect(entry('restarting', 'Restarting (3) 1 second ago')).toMatchObject({ state: 'restarting', exitCode: 3 });
    expect(entry('created', 'Created')).toMatchObject({ state: 'created', exitCode: null });
    expect(entry('dead', 'Dead')).toMatchObject({ state: 'dead', exitCode: null });
  });

  it('keeps health only while the container runs', () => {
    expect(entry('running', 'Up 5 seconds (unhealthy)')).toMatchObject({ state: 'running', health: 'unhealthy' });
    expect(entry('paused', 'Up 3 hours (Paused)')).toMatchObject({ state: 'paused', health: null });
  });
});

describe('needsOomCheck', () => {
  it('names only an exited container with exit code 137', () => {
    expect(needsOomCheck({ state: 'exited', exitCode: 137 })).toBe(true);
    expect(needsOomCheck({ state: 'exited', exitCode: 3 })).toBe(false);
    expect(needsOomCheck({ state: 'restarting', exitCode: 137 })).toBe(false);
  });
});

describe('engineFromInfo', () => {
  it('reads ID and Name, with the endpoint it was reached at', () => {
    expect(engineFromInfo({ ID: 'KMQC:RRWF', Name: 'vm', Containers: 3 }, 'unix:///var/run/docker.sock')).toEqual({
      id: 'KMQC:RRWF',
      name: 'vm',
      endpoint: 'unix:///var/run/docker.sock',
    });
  });

  it('gives null for an answer without an ID', () => {
    expect(engineFromInfo({ Name: 'vm' }, 'unix:///x')).toBeNull();
    expect(engineFromInfo({ ID: '' }, 'unix:///x')).toBeNull();
    expect(engineFromInfo('nope', 'unix:///x')).toBeNull();
  });
});

describe('containerNameFromNames', () => {
  it('prefers the own name over link aliases', () => {
    expect(containerNameFromNames(['/web/db', '/db'])).toBe('db');
  });

  it('gives an empty name when the Engine lists none', () => {
    expect(containerNameFromNames([])).toBe('');
  });
});

describe('containerInfoFromInspect', () => {
  const inspect = (state: Record<string, unknown>) =>
    ({
      Id: summary.Id,
      Name: '/probe-x',
      Created: '2026-11-28T14:56:57.02890673Z',
      State: { Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false, ExitCode: 0, ...state },
      Config: { Image: 'cc-bridge-test:latest', Labels: { 'cc-bridge.test': '1' } },
      NetworkSettings: { Networks: { none: {} } },
    }) as unknown as Dockerode.ContainerInspectInfo;

  it('maps an inspect result to the same shape as the list entry', () => {
    expect(containerInfoFromInspect(inspect({ Status: 'exited', ExitCode: 3 }))).toEqual({
      id: summary.Id,
      name: 'probe-x',
      image: 'cc-bridge-test:latest',
      state: 'exited',
      health: null,
      exitCode: 3,
      oomKilled: false,
      labels: { 'cc-bridge.test': '1' },
      networks: ['none'],
      createdAt: new Date('2026-11-28T14:56:57.000Z'),
    });
  });

  it('reads the fields the list call words in its Status text, as the list call gives them', () => {
    const pairs = [
      [{ Status: 'running', Running: true, Health: { Status: 'unhealthy' } }, 'running', 'Up 5 seconds (unhealthy)'],
      [{ Status: 'running', Running: true, Health: { Status: 'starting' } }, 'running', 'Up 1 second (health: starting)'],
      [{ Status: 'running', Running: true }, 'running', 'Up 2 minutes'],
      [{ Status: 'paused', Running: true, Paused: true, Health: { Status: 'healthy' } }, 'paused', 'Up 3 hours (Paused)'],
      [{ Status: 'restarting', Running: true, Restarting: true, ExitCode: 3 }, 'restarting', 'Restarting (3) 1 second ago'],
      [{ Status: 'exited', ExitCode: 0, Health: { Status: 'unhealthy' } }, 'exited', 'Exited (0) 1 second ago'],
      [{ Status: 'created' }, 'created', 'Created'],
      [{ Status: 'dead', Dead: true, ExitCode: 1 }, 'dead', 'Dead'],
    ] as const;
    for (const [state, State, Status] of pairs) {
      const fromList = containerInfoFromSummary({ ...summary, Labels: { 'cc-bridge.test': '1' }, State, Status, Created: Date.parse('2026-11-28T14:56:57Z') / 1000 });
      expect(containerInfoFromInspect(inspect(state))).toEqual(fromList);
    }
  });

  it('reads OOMKilled for an exited container with exit code 137 only', () => {
    expect(containerInfoFromInspect(inspect({ Status: 'exited', ExitCode: 137, OOMKilled: true })).oomKilled).toBe(true);
    // The flag can be set when a child process was OOM-killed and the main process ended on its own.
    expect(containerInfoFromInspect(inspect({ Status: 'exited', ExitCode: 0, OOMKilled: true })).oomKilled).toBe(false);
  });
});

describe('commandsFromTop', () => {
  it('returns the CMD column of each process', () => {
    const top = {
      Titles: ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'],
      Processes: [
        ['root', '8896', '8874', '7', '14:56', '?', '00:00:00', 'sleep 3600'],
        ['root', '8901', '8896', '0', '14:56', '?', '00:00:01', 'node /usr/local/bin/claude'],
      ],
    };
    expect(commandsFromTop(top)).toEqual(['sleep 3600', 'node /usr/local/bin/claude']);
  });

  it('reads a COMMAND column too, and nothing without one', () => {
    expect(commandsFromTop({ Titles: ['PID', 'COMMAND'], Processes: [['1', 'claude']] })).toEqual(['claude']);
    expect(commandsFromTop({ Titles: ['PID'], Processes: [['1']] })).toEqual([]);
  });
});
