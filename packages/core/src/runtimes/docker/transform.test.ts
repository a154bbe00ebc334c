import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';

import { commandsFromTop, containerInfoFromInspect, containerInfoFromSummary, containerNameFromNames } from './transform.ts';

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

describe('containerNameFromNames', () => {
  it('prefers the own name over link aliases', () => {
    expect(containerNameFromNames(['/web/db', '/db'])).toBe('db');
  });

  it('gives an empty name when the Engine lists none', () => {
    expect(containerNameFromNames([])).toBe('');
  });
});

describe('containerInfoFromInspect', () => {
  it('maps an inspect result to the same shape as the list entry', () => {
    const inspect = {
      Id: summary.Id,
      Name: '/probe-x',
      Created: '2026-11-28T14:56:57.02890673Z',
      State: { Status: 'exited' },
      Config: { Image: 'cc-bridge-test:latest', Labels: { 'cc-bridge.test': '1' } },
      NetworkSettings: { Networks: { none: {} } },
    } as unknown as Dockerode.ContainerInspectInfo;
    expect(containerInfoFromInspect(inspect)).toEqual({
      id: summary.Id,
      name: 'probe-x',
      image: 'cc-bridge-test:latest',
      state: 'exited',
      labels: { 'cc-bridge.test': '1' },
      networks: ['none'],
      createdAt: new Date('2026-11-28T14:56:57.028Z'),
    });
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
