import { describe, expect, it } from 'vitest';

import { containerChangeFromEvent, createLogDecoder, LineSplitter, LogDemuxer } from './streams.ts';

function frame(type: number, text: string | Buffer): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text) : text;
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('LogDemuxer', () => {
  it('splits stdout and stderr frames', () => {
    const frames = new LogDemuxer().push(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')]));
    expect(frames.map((item) => [item.stream, item.payload.toString()])).toEqual([
      ['stdout', 'out\n'],
      ['stderr', 'err\n'],
    ]);
  });

  it('waits for a frame cut anywhere, header included', () => {
    const bytes = Buffer.concat([frame(1, 'hello'), frame(1, 'world')]);
    const demuxer = new LogDemuxer();
    const seen: string[] = [];
    for (let offset = 0; offset < bytes.length; offset += 3) {
      for (const item of demuxer.push(bytes.subarray(offset, offset + 3))) seen.push(item.payload.toString());
    }
    expect(seen).toEqual(['hello', 'world']);
  });

  it('refuses a stream that is not multiplexed', () => {
    expect(() => new LogDemuxer().push(Buffer.from('plain text output'))).toThrow(/not a multiplexed/);
  });
});

describe('createLogDecoder', () => {
  it('decodes a character whose bytes are split across frames', () => {
    const bytes = Buffer.from('é');
    const decode = createLogDecoder(true);
    expect(decode(frame(1, bytes.subarray(0, 1))) + decode(frame(1, bytes.subarray(1)))).toBe('é');
  });

  it('passes a TTY stream through as text', () => {
    const decode = createLogDecoder(false);
    const bytes = Buffer.from('née\r\n');
    expect(decode(bytes.subarray(0, 2)) + decode(bytes.subarray(2))).toBe('née\r\n');
  });
});

describe('LineSplitter', () => {
  it('gives whole lines and keeps a partial one for later', () => {
    const splitter = new LineSplitter();
    expect(splitter.push(Buffer.from('{"a":1}\n{"b"'))).toEqual(['{"a":1}']);
    expect(splitter.push(Buffer.from(':2}\n'))).toEqual(['{"b":2}']);
  });
});

describe('containerChangeFromEvent', () => {
  // As Engine 20.10 (API 1.41) sends them.
  const die = {
    status: 'die',
    id: 'f0cce306ee28',
    from: 'cc-bridge-test:latest',
    Type: 'container',
    Action: 'die',
    Actor: { ID: 'f0cce306ee28', Attributes: { exitCode: '3', image: 'cc-bridge-test:latest', name: 'probe', 'cc-bridge.test': 'run1' } },
    scope: 'local',
    time: 1795877817,
    timeNano: 1795877817123 * 1e6 + 456_789,
  };

  it('reads a die with its exit code and labels', () => {
    expect(containerChangeFromEvent(die)).toEqual({
      runtime: 'docker',
      action: 'die',
      containerId: 'f0cce306ee28',
      containerName: 'probe',
      image: 'cc-bridge-test:latest',
      labels: { 'cc-bridge.test': 'run1' },
      exitCode: 3,
      health: null,
      at: new Date(1795877817123),
    });
  });

  it('reads the verdict of a health status', () => {
    const change = containerChangeFromEvent({ ...die, Action: 'health_status: unhealthy', Actor: { ID: 'x', Attributes: { name: 'probe', image: 'i' } } });
    expect(change).toMatchObject({ action: 'health_status', health: 'unhealthy', exitCode: null });
  });

  it('ignores other object types, actions it does not follow, and malformed messages', () => {
    expect(containerChangeFromEvent({ ...die, Type: 'network' })).toBeNull();
    expect(containerChangeFromEvent({ ...die, Action: 'exec_start: sh -c ls' })).toBeNull();
    expect(containerChangeFromEvent({ ...die, Actor: { ID: '', Attributes: {} } })).toBeNull();
    expect(containerChangeFromEvent('die')).toBeNull();
  });
});
