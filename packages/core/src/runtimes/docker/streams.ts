import { StringDecoder } from 'node:string_decoder';

import type { ContainerAction, ContainerChange } from '../instance-runtime.ts';

/** Which stream a frame of a container without a TTY carries (the header's first byte). */
export type LogStream = 'stdin' | 'stdout' | 'stderr';

const streamTypes: Record<number, LogStream> = { 0: 'stdin', 1: 'stdout', 2: 'stderr' };
const headerBytes = 8;

/**
 * Splits the Engine's multiplexed stream (logs and attach of a container without a TTY) into its
 * frames: an 8-byte header (stream type, three zero bytes, payload length as a big-endian
 * uint32), then the payload. Bytes arrive in arbitrary pieces; a frame is given once whole.
 * A container with a TTY has no frames: its stream is the raw output.
 */
export class LogDemuxer {
  #pending: Buffer = Buffer.alloc(0);

  /** The whole frames completed by `chunk`. Throws on a header no Engine writes (the stream is not multiplexed). */
  push(chunk: Buffer): { stream: LogStream; payload: Buffer }[] {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const frames: { stream: LogStream; payload: Buffer }[] = [];
    while (this.#pending.length >= headerBytes) {
      const type = this.#pending[0] ?? -1;
      const stream = streamTypes[type];
      if (!stream) throw new Error(`not a multiplexed Docker stream: frame header starts with byte ${String(type)}`);
      const size = this.#pending.readUInt32BE(4);
      if (this.#pending.length < headerBytes + size) break;
      frames.push({ stream, payload: this.#pending.subarray(headerBytes, headerBytes + size) });
      this.#pending = this.#pending.subarray(headerBytes + size);
    }
    return frames;
  }
}

/**
 * Turns a container's log or attach stream into text. Multi-byte characters split across chunks
 * or frames are decoded whole, stdout and stderr each with their own decoder.
 */
export function createLogDecoder(isMultiplexed: boolean): (chunk: Buffer) => string {
  if (!isMultiplexed) {
    const decoder = new StringDecoder('utf8');
    return (chunk) => decoder.write(chunk);
  }
  const demuxer = new LogDemuxer();
  const decoders: Record<LogStream, StringDecoder> = { stdin: new StringDecoder('utf8'), stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  return (chunk) =>
    demuxer
      .push(chunk)
      .map((frame) => decoders[frame.stream].write(frame.payload))
      .join('');
}

/** Splits newline-delimited JSON arriving in pieces (GET /events) into whole lines. */
export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  #pending = '';

  push(chunk: Buffer): string[] {
    const lines = (this.#pending + this.#decoder.write(chunk)).split('\n');
    this.#pending = lines.pop() ?? '';
    return lines.filter((line) => line.trim() !== '');
  }
}

const containerActions: ReadonlySet<string> = new Set<ContainerAction>([
  'create',
  'start',
  'restart',
  'die',
  'stop',
  'kill',
  'pause',
  'unpause',
  'rename',
  'destroy',
  'health_status',
  'oom',
]);

// Attributes the Engine puts beside the labels in `Actor.Attributes`.
const eventAttributes: ReadonlySet<string> = new Set(['name', 'image', 'exitCode', 'signal', 'oldName', 'execDuration']);

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.values(value).every((item) => typeof item === 'string');
}

/**
 * One GET /events message as a ContainerChange; null for anything else (another object type, an
 * action cc-bridge does not follow such as `exec_start: sh` or `attach`, a malformed message).
 * Engine 20.10 sends `{ Type, Action, Actor: { ID, Attributes }, time, timeNano }`; the
 * attributes hold `name`, `image`, the labels, and `exitCode` on `die`.
 */
export function containerChangeFromEvent(message: unknown): ContainerChange | null {
  if (typeof message !== 'object' || message === null) return null;
  const { Type: type, Action: fullAction, Actor: actor } = message as Record<string, unknown>;
  if (type !== 'container' || typeof fullAction !== 'string' || typeof actor !== 'object' || actor === null) return null;
  const { ID: id, Attributes: attributes } = actor as Record<string, unknown>;
  if (typeof id !== 'string' || id === '' || !isStringRecord(attributes)) return null;
  // `health_status: healthy`: the verdict rides in the action.
  const [action = '', verdict] = fullAction.split(': ', 2);
  if (!containerActions.has(action)) return null;
  const labels = Object.fromEntries(Object.entries(attributes).filter(([key]) => !eventAttributes.has(key)));
  const exitCode = action === 'die' && attributes.exitCode !== undefined && /^-?\d+$/.test(attributes.exitCode) ? Number(attributes.exitCode) : null;
  const health = action === 'health_status' && (verdict === 'starting' || verdict === 'healthy' || verdict === 'unhealthy') ? verdict : null;
  const { timeNano, time } = message as Record<string, unknown>;
  const at = typeof timeNano === 'number' ? new Date(Math.floor(timeNano / 1e6)) : typeof time === 'number' ? new Date(time * 1000) : new Date();
  return {
    runtime: 'docker',
    action: action as ContainerAction,
    containerId: id,
    containerName: attributes.name ?? '',
    image: attributes.image ?? '',
    labels,
    exitCode,
    health,
    at,
  };
}
