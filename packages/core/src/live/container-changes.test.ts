import { describe, expect, it } from 'vitest';

import type { ContainerAction, ContainerChange } from '../runtimes/instance-runtime.ts';
import { hasUnregistered, isDiscoverable, planContainerWork, recordsOfContainers, type DiscoveryRules } from './container-changes.ts';

const rules: DiscoveryRules = { containerLabel: 'cc-bridge.instance', imagePatterns: ['claude-code'] };
const labelled = 'a'.repeat(64);
const plain = 'b'.repeat(64);
const byImage = 'c'.repeat(64);

function change(action: ContainerAction, containerId: string, fields: Partial<ContainerChange> = {}): ContainerChange {
  const isLabelled = containerId === labelled;
  return {
    runtime: 'docker',
    action,
    containerId,
    containerName: `name-${containerId.slice(0, 4)}`,
    image: containerId === byImage ? 'registry.local/claude-code:1' : 'busybox:latest',
    labels: isLabelled ? { 'cc-bridge.instance': 'api' } : {},
    exitCode: null,
    health: null,
    at: new Date(0),
    ...fields,
  };
}

describe('isDiscoverable', () => {
  it('matches the instance label, even empty, and the image patterns, as discovery does', () => {
    expect(isDiscoverable(change('start', labelled), rules)).toBe(true);
    expect(isDiscoverable(change('start', plain, { labels: { 'cc-bridge.instance': '' } }), rules)).toBe(true);
    expect(isDiscoverable(change('start', byImage), rules)).toBe(true);
    expect(isDiscoverable(change('start', plain), rules)).toBe(false);
    expect(isDiscoverable(change('start', plain, { labels: { 'other.label': 'x' } }), rules)).toBe(false);
  });
});

describe('planContainerWork', () => {
  it('makes a docker stop (kill, die, stop within milliseconds) one container to observe, without discovery', () => {
    const work = planContainerWork([change('kill', labelled), change('die', labelled, { exitCode: 137 }), change('stop', labelled)], rules);
    expect(work).toEqual({ containerIds: [labelled], needsDiscovery: false, discoverable: [labelled] });
  });

  it('runs discovery for a labelled container created (docker run: create, start)', () => {
    expect(planContainerWork([change('create', labelled), change('start', labelled)], rules)).toMatchObject({ needsDiscovery: true, containerIds: [labelled] });
  });

  it('runs discovery for a container made from a matching image, and for a rename', () => {
    expect(planContainerWork([change('create', byImage)], rules).needsDiscovery).toBe(true);
    expect(planContainerWork([change('rename', labelled, { containerName: 'renamed' })], rules).needsDiscovery).toBe(true);
  });

  it('observes a container discovery would not match (a record may name it) but never discovers it', () => {
    expect(planContainerWork([change('create', plain), change('start', plain)], rules)).toEqual({ containerIds: [plain], needsDiscovery: false, discoverable: [] });
  });

  it('observes a destroyed container (its records become stopped) and leaves it out of discovery', () => {
    expect(planContainerWork([change('die', labelled), change('destroy', labelled)], rules)).toEqual({ containerIds: [labelled], needsDiscovery: false, discoverable: [] });
    // Created and removed within one burst: nothing left to discover.
    expect(planContainerWork([change('create', labelled), change('destroy', labelled)], rules).needsDiscovery).toBe(false);
  });

  it('observes every state change the Engine reports', () => {
    const actions: ContainerAction[] = ['start', 'restart', 'die', 'stop', 'kill', 'pause', 'unpause', 'health_status', 'oom'];
    for (const action of actions) {
      expect(planContainerWork([change(action, plain)], rules), action).toEqual({ containerIds: [plain], needsDiscovery: false, discoverable: [] });
    }
  });

  it('keeps each container once, in the order first seen', () => {
    const work = planContainerWork([change('stop', plain), change('start', labelled), change('start', plain)], rules);
    expect(work.containerIds).toEqual([plain, labelled]);
  });

  it('plans nothing for no changes', () => {
    expect(planContainerWork([], rules)).toEqual({ containerIds: [], needsDiscovery: false, discoverable: [] });
  });
});

describe('recordsOfContainers and hasUnregistered', () => {
  const records = [
    { name: 'full', containerId: plain },
    { name: 'short', containerId: labelled.slice(0, 12) },
    { name: 'none', containerId: null },
    { name: 'empty', containerId: '' },
  ];

  it('finds records by full or short container id, never by an empty one', () => {
    expect(recordsOfContainers(records, [plain]).map((record) => record.name)).toEqual(['full']);
    expect(recordsOfContainers(records, [labelled]).map((record) => record.name)).toEqual(['short']);
    expect(recordsOfContainers(records, [byImage])).toEqual([]);
  });

  it('says whether a discoverable container has no record yet', () => {
    expect(hasUnregistered(planContainerWork([change('start', labelled)], rules), records)).toBe(false);
    expect(hasUnregistered(planContainerWork([change('start', byImage)], rules), records)).toBe(true);
    expect(hasUnregistered(planContainerWork([change('start', plain)], rules), [])).toBe(false);
  });
});
