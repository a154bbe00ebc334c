import { setTimeout as sleep } from 'node:timers/promises';
import { readClaudeScreen, type ScreenChoice, type ScreenReading } from '../activity/screen-rules.ts';
import { CcBridgeError, isCcBridgeError } from '../errors.ts';
import { answerInput, type AnswerChoice, type Instance } from '../instance.ts';
import type { ActorOption } from '../reports.ts';
import type { Runtime } from '../runtimes/instance-runtime.ts';
import { runtimeFor } from '../runtimes/runtimes.ts';
import { parseInput } from '../validation.ts';
import { recordEvent, type RegistryContext } from './context.ts';
import { onRuntime } from './io.ts';
import type { Records } from './records.ts';

/** How a waiting agent is answered. */
export interface AnswerOptions extends ActorOption {
  /** With `no`: typed as the agent's next prompt once the prompt is gone (what to do instead). */
  message?: string;
}

/** What an answer did, as its `action` event records it (never the message's text). */
export interface Answered {
  choice: AnswerChoice;
  /** The key pressed (`1`, `2`, `3`): the choice's number on the prompt. */
  key: string;
  /** How often it was pressed: 1, or 2 when the prompt had not moved after the first. */
  presses: number;
  /** Characters of the message typed after a `no`; 0 without one. */
  messageChars: number;
}

/** Timings (ms) of pressing a key and watching the prompt go; tests may shorten them. */
export interface AnswerTimings {
  /** How long to wait for the prompt to leave the screen before pressing the key again. */
  settleMs: number;
  /** Between two readings of the screen. */
  pollMs: number;
}

export const defaultAnswerTimings: AnswerTimings = { settleMs: 1_500, pollMs: 100 };

/** Rows read from a tmux pane: a 40-row screen and some scroll-back, enough for any dialog. */
const screenLines = 80;

/**
 * The numbers of Claude Code 2.1.328's permission prompt (`1. Yes`, `2. Yes, and don't ask again
 * for …`, `3. No`), used where the screen cannot be read (a container's TTY is a byte stream,
 * not a screen). The prompt a tmux pane shows is read instead, so a dialog numbered otherwise is
 * answered right there.
 */
const pinnedKeys: Readonly<Record<AnswerChoice, string>> = { yes: '1', always: '2', no: '3' };

/** Whether a dialog's choice is the one asked for, by Claude Code's words (screen-rules.ts reads them). */
function isChoice(choice: AnswerChoice, { label }: ScreenChoice): boolean {
  if (choice === 'yes') return label === 'Yes';
  if (choice === 'always') return label.startsWith('Yes, and ') || label.startsWith("Yes, don't ask again");
  return label === 'No' || label.startsWith('No,') || label.startsWith('No ');
}

/**
 * The key that picks `choice` on a permission prompt as the screen shows it (its number), or
 * null when the screen shows no permission prompt with that choice (no dialog, a question, a
 * prompt without "always"). Pure.
 */
export function permissionKey(reading: ScreenReading, choice: AnswerChoice): string | null {
  if (reading.activity !== 'waiting' || !reading.choices.some((offered) => isChoice('yes', offered))) return null;
  return reading.choices.find((offered) => isChoice(choice, offered))?.key ?? null;
}

const isSameDialog = (a: ScreenReading, b: ScreenReading) => b.activity === 'waiting' && a.reason === b.reason;

/**
 * Answering an agent that waits on a permission prompt (its record's activity is `waiting`):
 * presses the number of the choice on Claude Code's prompt, through the record's `Runtime`
 * (`sendInput` without Enter: tmux `send-keys -l`, or the container's stdin, which needs an open
 * stdin and a TTY). On tmux the pane is read first (screen-rules.ts) to find the choice's number
 * and to see that a permission prompt is shown, and again after the press: a prompt still shown
 * after `settleMs` gets the key once more (a key sent while Claude Code redraws can be lost). A
 * `no` with a message types the message, then Enter, once the prompt has gone.
 *
 * Writes an `action` event (`answer`: the choice, the key, the presses, the message's length,
 * never its text) whether it worked or not.
 */
export class PromptAnswers {
  readonly #context: RegistryContext;
  readonly #records: Records;
  readonly #timings: AnswerTimings;

  constructor(context: RegistryContext, records: Records, timings: AnswerTimings = defaultAnswerTimings) {
    this.#context = context;
    this.#records = records;
    this.#timings = timings;
  }

  /**
   * Answers `choice`. INVALID_INPUT (not a choice; a message with yes/always; a container
   * without an open stdin or a TTY; a prompt that asks a question rather than for a permission,
   * or offers no such choice), NOT_FOUND, NOT_WAITING (the record's activity is not `waiting`, or
   * the pane shows no prompt any more), NOT_RUNNING, TMUX_ERROR (the prompt was still shown
   * after the second press), DOCKER_*.
   */
  async answer(name: string, choice: AnswerChoice, options: AnswerOptions = {}): Promise<Answered> {
    const actor = options.actor ?? this.#context.actor;
    const input = parseInput(answerInput, { choice, message: options.message }, 'answer');
    const instance = await this.#records.getInstanceOrThrow(name);
    if (instance.activity !== 'waiting') {
      throw new CcBridgeError('NOT_WAITING', `"${instance.name}" is not waiting for an answer (it is ${instance.activity}); nothing was sent`);
    }
    const runtime = runtimeFor(this.#context.runtimes, instance);
    const event = { instanceId: instance.id, instanceName: instance.name, kind: 'action' as const, actor };
    const done: Answered = { choice: input.choice, key: pinnedKeys[input.choice], presses: 0, messageChars: 0 };
    try {
      await onRuntime(instance, () => (instance.type === 'tmux' ? this.#answerOnScreen(instance, runtime, done, actor) : this.#answerBlind(instance, runtime, done)));
      if (input.message !== undefined) {
        await onRuntime(instance, () => this.#typeMessage(instance, runtime, input.message ?? ''));
        done.messageChars = Array.from(input.message).length;
      }
    } catch (error) {
      if (isCcBridgeError(error)) {
        await recordEvent(this.#context.prisma, { ...event, to: { action: 'answer', ok: false, error: error.code, ...done }, message: error.message });
      }
      throw error;
    }
    const withMessage = done.messageChars > 0 ? `, then typed ${done.messageChars} characters and Enter` : '';
    await recordEvent(this.#context.prisma, { ...event, to: { action: 'answer', ok: true, ...done }, message: `answered ${done.choice} (key ${done.key})${withMessage}` });
    return done;
  }

  async #readScreen(instance: Instance, runtime: Runtime): Promise<ScreenReading> {
    return readClaudeScreen(await runtime.readOutput(instance, { lines: screenLines }));
  }

  /** tmux: find the choice on the prompt shown, press its number, and press again once if the prompt stays. */
  async #answerOnScreen(instance: Instance, runtime: Runtime, done: Answered, actor: string): Promise<void> {
    // The PermissionRequest hook reports the wait before Claude Code has drawn its dialog: a record
    // that waits gets a moment for the dialog to appear before the answer is refused.
    const shown = await this.#readScreen(instance, runtime);
    const before = shown.activity === 'waiting' ? shown : ((await this.#waitForScreen(instance, runtime, (reading) => reading.activity === 'waiting', this.#timings.settleMs * 2)) ?? shown);
    if (before.activity !== 'waiting') {
      throw new CcBridgeError('NOT_WAITING', `"${instance.name}" shows no prompt to answer (its screen reads ${before.activity}); nothing was sent`);
    }
    const key = permissionKey(before, done.choice);
    if (key === null) {
      const offered = before.choices.map((offered) => offered.label).join(' / ');
      throw new CcBridgeError('INVALID_INPUT', `"${instance.name}" asks something that ${done.choice} does not answer (${before.reason ?? 'a prompt'}: ${offered}); answer it in its terminal`);
    }
    done.key = key;
    for (let press = 1; press <= 2; press++) {
      await runtime.sendInput(instance, { text: done.key, enter: false });
      done.presses = press;
      const after = await this.#waitForScreen(instance, runtime, (reading) => !isSameDialog(before, reading));
      if (after !== null) {
        await this.#settleActivity(instance, after, done, actor);
        return;
      }
    }
    throw new CcBridgeError('TMUX_ERROR', `"${instance.name}" still shows its prompt after key ${done.key} was pressed twice`);
  }

  /** A container: its TTY takes the key as a terminal would; the pinned version's numbers. */
  async #answerBlind(instance: Instance, runtime: Runtime, done: Answered): Promise<void> {
    const settings = instance.containerId === null ? null : await this.#context.docker?.getContainerSettings(instance.containerId);
    if (settings && !settings.tty) {
      throw new CcBridgeError('INVALID_INPUT', `"${instance.name}": container ${settings.name} has no TTY, so Claude Code shows no prompt there to answer; answer it in its terminal`);
    }
    await runtime.sendInput(instance, { text: done.key, enter: false });
    done.presses = 1;
  }

  /** Waits for the prompt to be gone (the input box back, on tmux), then types `message` and Enter. */
  async #typeMessage(instance: Instance, runtime: Runtime, message: string): Promise<void> {
    if (instance.type === 'tmux') {
      const ready = await this.#waitForScreen(instance, runtime, (reading) => reading.activity === 'idle', this.#timings.settleMs * 4);
      if (ready === null) throw new CcBridgeError('TMUX_ERROR', `"${instance.name}" did not come back to its input box after the answer; the message was not typed`);
    }
    await runtime.sendInput(instance, { text: message, enter: true });
  }

  /**
   * The record leaves `waiting` as the screen shows: Claude Code runs no hook when a permission is
   * refused (no PostToolUse, no Stop), so without this a `no` would leave the agent in the inbox.
   * Written only while the record still holds the wait that was answered (same `activitySince`),
   * so a hook report that came first wins; an `activity_changed` event names the actor.
   */
  async #settleActivity(instance: Instance, reading: ScreenReading, done: Answered, actor: string): Promise<void> {
    if (reading.activity !== 'idle' && reading.activity !== 'busy') return;
    const activity = reading.activity;
    await this.#context.prisma.$transaction(async (tx) => {
      const { count } = await tx.instance.updateMany({
        where: { id: instance.id, activity: 'waiting', activitySince: instance.activitySince },
        data: { activity, activityReason: null, activitySince: this.#context.now() },
      });
      if (count === 0) return;
      await recordEvent(tx, {
        instanceId: instance.id,
        instanceName: instance.name,
        kind: 'activity_changed',
        from: 'waiting',
        to: activity,
        actor,
        message: `answered ${done.choice}; the screen reads ${activity}`,
      });
    });
  }

  /** Reads the screen until `isDone` (that reading) or `timeoutMs` has passed (null). */
  async #waitForScreen(instance: Instance, runtime: Runtime, isDone: (reading: ScreenReading) => boolean, timeoutMs = this.#timings.settleMs): Promise<ScreenReading | null> {
    const deadline = Date.now() + timeoutMs;
    do {
      await sleep(this.#timings.pollMs);
      const reading = await this.#readScreen(instance, runtime);
      if (isDone(reading)) return reading;
    } while (Date.now() < deadline);
    return null;
  }
}
