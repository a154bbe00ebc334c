import { readClaudeScreen, type ScreenActivity, type ScreenChoice, type ScreenReading } from './screen-rules.ts';

/**
 * From screen readings to the activity shown: a hold so that one odd frame does not make the
 * state flicker, and the rule that hooks win when both sources speak. Pure: time is passed in
 * (ms since the epoch), nothing is read or kept here.
 */

/** An activity as shown, since the reading that first saw it (ms since the epoch). */
export interface HeldActivity extends ScreenReading {
  since: number;
}

/** What the hold keeps between readings of one screen: what is shown and what may replace it. */
export interface ScreenHold {
  shown: HeldActivity | null;
  /** A different reading seen since `pending.since`, not yet held long enough to be shown. */
  pending: HeldActivity | null;
}

export const emptyScreenHold: ScreenHold = { shown: null, pending: null };

/**
 * How long (ms) a new reading must keep being read before it replaces the one shown. With the
 * tmux probe every 2 s this means two readings in a row; between pressing Enter and the spinner,
 * or while Claude Code redraws, a frame can read as idle or unknown for one probe.
 */
export const defaultScreenHoldMs = 1_000;

const isSameActivity = (a: ScreenReading, b: ScreenReading) => a.activity === b.activity && a.reason === b.reason;

/**
 * The hold after one more reading at `nowMs`. The first reading is shown at once (there is nothing
 * to flicker from). `waiting` is shown at once too: a dialog is drawn whole, stays until it is
 * answered and ends in a footer no other frame has, so no passing frame reads as waiting, and
 * holding it back would only delay the inbox and its notification. Any other change, leaving
 * waiting included, is shown once it has been read for `holdMs`; a different reading meanwhile
 * starts the wait again. `since` is when the shown reading was first seen. A reading that matches
 * the shown one keeps its `since` and refreshes its choices (the marker moves as keys are pressed).
 */
export function holdScreenReading(
  hold: ScreenHold,
  reading: ScreenReading,
  nowMs: number,
  holdMs: number = defaultScreenHoldMs,
): ScreenHold {
  const { shown, pending } = hold;
  if (shown !== null && isSameActivity(shown, reading)) return { shown: { ...shown, choices: reading.choices }, pending: null };
  if (shown === null || reading.activity === 'waiting') return { shown: { ...reading, since: nowMs }, pending: null };
  if (pending === null || !isSameActivity(pending, reading)) return { shown, pending: { ...reading, since: nowMs } };
  if (nowMs - pending.since >= holdMs) return { shown: { ...reading, since: pending.since }, pending: null };
  return { shown, pending };
}

/** What cc-bridge's hooks last reported of an instance (`at`: ms since the epoch). */
export interface HookReport {
  activity: ScreenActivity;
  reason: string | null;
  at: number;
}

/** The activity that stands, where it comes from, and since when (ms since the epoch). */
export interface StandingActivity {
  activity: ScreenActivity;
  reason: string | null;
  /** The screen's choices when it shows the same waiting dialog; the keys that answer it. */
  choices: ScreenChoice[];
  since: number;
  source: 'hook' | 'screen';
}

/**
 * How long (ms) the screen must have shown a change the hooks have not reported before the screen
 * overrides them. Hooks report as things happen (a PermissionRequest before the dialog is drawn,
 * a Stop as the turn ends) and the screen is read every 2 s, so a change the hooks make will be
 * reported well within this.
 */
export const defaultHookGraceMs = 2_000;

/**
 * Which activity stands when the hooks and the screen may both have spoken. Hooks win when both
 * speak: the hooks' last report stands unless the screen (held, see `holdScreenReading`) has
 * shown something else that began after that report and has lasted `graceMs` without the hooks
 * saying anything since. That is what the hooks cannot report: a prompt cancelled with Esc or a
 * turn interrupted (no hook fires), a long command running after its prompt was answered (no hook
 * until it ends), the trust prompt before a session exists. An `unknown` screen never overrides;
 * without a hook report (or with an `unknown` one) the screen stands; with neither, null.
 */
export function standingActivity(
  hook: HookReport | null,
  screen: HeldActivity | null,
  nowMs: number,
  graceMs: number = defaultHookGraceMs,
): StandingActivity | null {
  const fromScreen = (held: HeldActivity): StandingActivity => ({
    activity: held.activity,
    reason: held.reason,
    choices: held.choices,
    since: held.since,
    source: 'screen',
  });
  if (hook === null || hook.activity === 'unknown') return screen === null ? null : fromScreen(screen);
  if (
    screen !== null &&
    screen.activity !== 'unknown' &&
    screen.activity !== hook.activity &&
    screen.since > hook.at &&
    nowMs - screen.since >= graceMs
  ) {
    return fromScreen(screen);
  }
  const choices = hook.activity === 'waiting' && screen?.activity === 'waiting' ? screen.choices : [];
  return { activity: hook.activity, reason: hook.reason, choices, since: hook.at, source: 'hook' };
}

/** Programs that are a shell: in a pane's foreground once the agent started from it has ended. */
const shells = new Set(['sh', 'ash', 'dash', 'bash', 'zsh', 'fish', 'ksh', 'mksh', 'tcsh', 'csh', 'nu', 'busybox']);

/**
 * What a screen says of its agent: `exited` when a shell is back in its foreground (tmux
 * `#{pane_current_command}`) after an agent ran there (`hadAgent`: the record knew an activity
 * or a Claude session), else what Claude Code's screen shows (`readClaudeScreen`). A shell in a
 * pane that never ran an agent is `unknown`, not an agent that exited. `command` null (a
 * container's screen, whose foreground program is not known): the screen alone decides.
 */
export function readPane(pane: { command: string | null; text: string }, hadAgent: boolean): ScreenReading {
  if (pane.command !== null && shells.has(pane.command.replace(/^-/, ''))) return { activity: hadAgent ? 'exited' : 'unknown', reason: null, choices: [] };
  return readClaudeScreen(pane.text);
}
