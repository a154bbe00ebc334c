import { CcBridgeError, isCcBridgeError } from '../errors.ts';
import { followOutputInput, readOutputInput, sendInputInput, type FollowOutputInput, type Instance, type ReadOutputInput } from '../instance.ts';
import type { ActorOption } from '../reports.ts';
import type { TerminalCommand } from '../runtimes/instance-runtime.ts';
import type { OutputUpdate } from '../runtimes/output-update.ts';
import { runtimeFor } from '../runtimes/runtimes.ts';
import { parseInput } from '../validation.ts';
import { recordEvent, type RegistryContext } from './context.ts';
import type { Records } from './records.ts';

/** How text is typed into an instance. */
export interface SendOptions extends ActorOption {
  /** Press Enter after the text; default true. */
  enter?: boolean;
}

/** What a send typed, as its `action` event records it: never the text itself. */
export interface InputSent {
  /** Characters (Unicode code points) typed. */
  chars: number;
  enter: boolean;
}

/**
 * Working inside an instance: reading and following what it prints, typing into it, and the
 * program that attaches a terminal to it, through the record's `Runtime` (never a branch on the
 * type). Input is validated here (instance.ts: `readOutputInput`, `followOutputInput`,
 * `sendInputInput`), and a session or container that is not there to read from or type into is
 * NOT_RUNNING, saying so.
 *
 * Reading writes nothing. A send and an attach act on the agent, so each writes an `action`
 * event (`to: { action: 'send', ok, chars, enter }`, `{ action: 'attach', ok }`) naming the
 * actor; the text is never stored, since a prompt may hold a secret, and what is typed through
 * an attached terminal is not seen at all.
 */
export class InstanceIo {
  readonly #context: RegistryContext;
  readonly #records: Records;

  constructor(context: RegistryContext, records: Records) {
    this.#context = context;
    this.#records = records;
  }

  /**
   * The last `lines` lines the instance printed, `\n`-separated (see `Runtime.readOutput`): tmux
   * the pane and its scroll-back, Docker the container's log (a stopped container's too).
   * INVALID_INPUT, NOT_FOUND (no record), NOT_RUNNING (no session or container).
   */
  async readOutput(name: string, options: ReadOutputInput = {}): Promise<string> {
    const valid = parseInput(readOutputInput, options, 'output request');
    const instance = await this.#records.getInstanceOrThrow(name);
    return onRuntime(instance, () => runtimeFor(this.#context.runtimes, instance).readOutput(instance, valid));
  }

  /**
   * Resolves once following has begun (nothing printed after that is missed), to updates in
   * order (`Runtime.followOutput`: finished lines, and the line still being drawn, which each
   * update replaces): `lines` of recent output first, then what is new. The iterable ends when `signal`
   * fires, or when the output ends because the session or container stopped (the caller tells
   * the two apart by `signal.aborted`); a runtime failure while following is thrown from it.
   * Nothing holds the database while it runs. Errors as `readOutput`.
   */
  async followOutput(name: string, options: FollowOutputInput): Promise<AsyncIterable<OutputUpdate>> {
    const valid = parseInput(followOutputInput, options, 'follow request');
    const instance = await this.#records.getInstanceOrThrow(name);
    return onRuntime(instance, () => runtimeFor(this.#context.runtimes, instance).followOutput(instance, valid));
  }

  /**
   * Types `text` as literal characters (never through a shell, never key names), then Enter
   * unless `enter` is false, and writes an `action` event (`send`, with the count of characters,
   * not the text). A runtime's refusal is written as a failed `send` event and thrown:
   * NOT_RUNNING, INVALID_INPUT (a container without an open stdin), TMUX_ERROR, DOCKER_*.
   * INVALID_INPUT before anything is sent: a NUL, more than `maxInputBytes`, or nothing at all.
   * The event is written after the text was typed: a database failure then is thrown although
   * the text arrived.
   */
  async sendInput(name: string, text: string, options: SendOptions = {}): Promise<InputSent> {
    const input = parseInput(sendInputInput, { text, enter: options.enter }, 'input');
    const instance = await this.#records.getInstanceOrThrow(name);
    const sent: InputSent = { chars: Array.from(input.text).length, enter: input.enter };
    const written = `${sent.chars} character${sent.chars === 1 ? '' : 's'}${sent.enter ? ' and Enter' : ''}`;
    await this.#acting(instance, 'send', options, { ...sent }, `typed ${written}`, () =>
      runtimeFor(this.#context.runtimes, instance).sendInput(instance, input),
    );
    return sent;
  }

  /**
   * The program that attaches a terminal to the running instance (`Runtime.terminalCommand`: tmux
   * attach to its session, or a shell in its container), for the caller to run on a terminal
   * (the CLI on its own, the dashboard in a PTY); writes an `action` event (`attach`). NOT_FOUND,
   * NOT_RUNNING, TMUX_ERROR, DOCKER_*.
   */
  async attachTerminal(name: string, options: ActorOption = {}): Promise<TerminalCommand> {
    const instance = await this.#records.getInstanceOrThrow(name);
    return this.#acting(instance, 'attach', options, {}, 'attached a terminal', () =>
      runtimeFor(this.#context.runtimes, instance).terminalCommand(instance),
    );
  }

  /** `act` on the runtime, then its `action` event: ok, or failed with the (NOT_RUNNING-worded) error, which is thrown. */
  async #acting<T>(instance: Instance, action: 'send' | 'attach', options: ActorOption, details: object, message: string, act: () => Promise<T>): Promise<T> {
    const event = { instanceId: instance.id, instanceName: instance.name, kind: 'action' as const, actor: options.actor ?? this.#context.actor };
    let result: T;
    try {
      result = await onRuntime(instance, act);
    } catch (error) {
      if (isCcBridgeError(error)) await recordEvent(this.#context.prisma, { ...event, to: { action, ok: false, error: error.code, ...details }, message: error.message });
      throw error;
    }
    await recordEvent(this.#context.prisma, { ...event, to: { action, ok: true, ...details }, message });
    return result;
  }
}

/**
 * A runtime call whose NOT_FOUND means the record's session or container is not there to read
 * from or type into (a stopped tmux instance has no session): NOT_RUNNING, naming the fix.
 */
export async function onRuntime<T>(instance: Instance, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isCcBridgeError(error, 'NOT_FOUND')) throw error;
    throw new CcBridgeError('NOT_RUNNING', `"${instance.name}" is not running (${error.message}); start it first: cc-bridge instances start ${instance.name}`, {
      cause: error,
    });
  }
}
