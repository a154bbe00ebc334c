import { instanceEnvVar } from '../../activity/hook-report.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import which from 'which';

import { CcBridgeError } from '../../errors.ts';
import type { Instance, InstanceStatus } from '../../instance.ts';
import { silentLogger, type Logger } from '../../logger.ts';
import type { AgentScreen, Runtime } from '../instance-runtime.ts';
import { observeTmux, type Observation } from '../observation.ts';
import { statusFromTmuxSession, type TmuxRuntime, type TmuxSessionInfo } from '../runtime.ts';
import type { OutputUpdate } from '../output-update.ts';
import { linesAfter, splitCapture } from './parse.ts';

export interface TmuxInstanceRuntimeOptions {
  /** The program and its arguments a started session runs (`config.tmux.command`). */
  command: readonly string[];
  /** How long a new session must live to count as started (ms); a command not found ends it at once. Default 300. */
  startGraceMs?: number;
  /** How often following output captures the pane (ms); default 250. */
  followIntervalMs?: number;
  /** Rows of scroll-back each follow capture looks at; more new lines than this between two captures are missed. Default 500. */
  followWindowLines?: number;
  /** Where a session that could not be removed after a failed start is reported; default silent. */
  logger?: Logger;
}

const defaultOutputLines = 50;

/** Lines as text, each ending in `\n` ('' for none). */
function joinLines(lines: readonly string[]): string {
  return lines.map((line) => `${line}\n`).join('');
}

/** The session a tmux record names; INVALID_INPUT when it names none (a session cleared by hand). */
function sessionOf(instance: Instance): string {
  if (instance.tmuxSession === null) throw new CcBridgeError('INVALID_INPUT', `"${instance.name}" names no tmux session`);
  return instance.tmuxSession;
}

/**
 * The tmux Runtime: records are sessions on one tmux server (`tmux` the client, tmux-runtime.ts).
 * tmux pushes nothing, so there is no change feed.
 *
 * Following output polls `capture-pane` rather than `pipe-pane`: a pane has a single pipe, so
 * piping would cut off a user's own logging pipe (or another follower's), and `pipe-pane` runs its
 * command through a shell. Each poll is one bounded tmux command; any number of followers can read
 * the same pane, and nothing is left behind on the server when a follower goes away.
 */

/**
 * Why a session's command ended at once, for the start's error: not found on the PATH (this
 * process's PATH, which a tmux server started from the same environment shares), with how to
 * install Claude Code when it is `claude`; else it exited, and running it by hand shows why.
 */
async function whyCommandEnded(command: readonly string[], cwd: string | null): Promise<string> {
  const [program = ''] = command;
  const setting = 'set [tmux] command (or CC_BRIDGE_TMUX_COMMAND)';
  if ((await which(program, { nothrow: true })) === null) {
    const install = program === 'claude' ? 'Install Claude Code (npm install -g @anthropic-ai/claude-code), or ' : 'Install it, or ';
    return `its command ${program} was not found on the PATH. ${install}${setting} to the program to run.`;
  }
  return `its command (${command.join(' ')}) exited at once. Run it in a terminal${cwd === null ? '' : ` in ${cwd}`} to see why, or ${setting} to a program that keeps running.`;
}
export function createTmuxInstanceRuntime(tmux: TmuxRuntime, options: TmuxInstanceRuntimeOptions): Runtime {
  const startGraceMs = options.startGraceMs ?? 300;
  const followIntervalMs = options.followIntervalMs ?? 250;
  const followWindowLines = options.followWindowLines ?? 500;
  const logger = options.logger ?? silentLogger;

  async function observe(instance: Instance, statusBefore: InstanceStatus = instance.status): Promise<Observation> {
    return observeTmux(statusBefore, instance.tmuxSession === null ? null : await tmux.getSession(instance.tmuxSession));
  }

  /**
   * A new session running the command in `cwd`. A session whose command is missing or fails at
   * once vanishes with no trace to look at: after the grace it must still be there, or the start
   * is a TMUX_ERROR, and a session that could not be confirmed is killed.
   */
  async function startConfirmed(name: string, cwd: string | null, instance: string, command: readonly string[] = options.command): Promise<TmuxSessionInfo> {
    // startSession kills the session itself if it fails after tmux made it. The agent's hooks
    // name their instance by the variable (hook-report.ts).
    await tmux.startSession({ name, cwd, command, env: { [instanceEnvVar]: instance } });
    try {
      await sleep(startGraceMs);
      const session = await tmux.getSession(name);
      if (session) return session;
      throw new CcBridgeError('TMUX_ERROR', `The tmux session ${name} ended as soon as it started: ${await whyCommandEnded(command, cwd)}`);
    } catch (error) {
      await tmux.killSession(name).catch((killError: unknown) =>
        logger.error(`the tmux session ${name} was started but could not be removed after the start failed; remove it by hand`, {
          error: killError instanceof Error ? killError.message : String(killError),
        }),
      );
      throw error;
    }
  }

  async function start(instance: Instance): Promise<Observation> {
    const name = sessionOf(instance);
    const existing = await tmux.getSession(name);
    if (existing?.isAlive) return observeTmux(instance.status, existing);
    // A session kept with a dead pane (`remain-on-exit`) holds the name: it goes, so the command runs again.
    if (existing) await tmux.killSession(name);
    return observeTmux(instance.status, await startConfirmed(name, instance.cwd, instance.id));
  }

  async function stop(instance: Instance): Promise<Observation> {
    if (instance.tmuxSession !== null) await tmux.killSession(instance.tmuxSession);
    return observeTmux(instance.status, null);
  }

  return {
    type: 'tmux',
    label: 'tmux',

    observe,

    recordIdentity: (input) => ({ tmuxSession: input.tmuxSession ?? input.name }),

    async launch(input) {
      const name = input.tmuxSession ?? input.name;
      // The record's id does not exist yet: its name stands in (a rename falls back to the pane).
      const session = await startConfirmed(name, input.cwd ?? null, input.name);
      return {
        fields: { tmuxSession: name, pid: session.panePid, status: statusFromTmuxSession(session) },
        description: `the tmux session ${name}`,
        undo: () => tmux.killSession(name),
      };
    },

    async observeAll(instances, statusBefore) {
      const sessions = await tmux.listSessions();
      const observations = new Map<string, Observation>();
      for (const instance of instances) {
        const session = instance.tmuxSession === null ? null : (sessions.get(instance.tmuxSession) ?? null);
        observations.set(instance.id, observeTmux(statusBefore?.get(instance.id) ?? instance.status, session));
      }
      return { observations, engine: null };
    },

    start,
    stop,

    async restart(instance) {
      await stop(instance);
      return start(instance);
    },

    async resume(instance, claudeSessionId) {
      const name = sessionOf(instance);
      // Whatever holds the name (the shell the agent ran from, a dead pane) makes way for the agent.
      if (await tmux.getSession(name)) await tmux.killSession(name);
      return observeTmux(instance.status, await startConfirmed(name, instance.cwd, instance.id, [...options.command, '--resume', claudeSessionId]));
    },

    async remove(instance) {
      // A record without a session (cleared) has nothing to kill, whatever its name.
      return instance.tmuxSession !== null && tmux.killSession(instance.tmuxSession);
    },

    async readOutput(instance, { lines = defaultOutputLines, colors = false } = {}) {
      return tmux.capturePane(sessionOf(instance), lines, { colors });
    },

    async followOutput(instance, { signal, lines = 0, colors = false }) {
      const name = sessionOf(instance);
      const windowLines = Math.max(followWindowLines, lines);
      const capture = async () => {
        const pane = await tmux.capturePaneWithCursor(name, windowLines, { colors });
        return pane && splitCapture(pane.text, pane.cursorX);
      };
      const first = await capture();
      if (!first) throw new CcBridgeError('NOT_FOUND', `No tmux session named ${name}`);
      return (async function* follow(): AsyncGenerator<OutputUpdate> {
        let seen = first;
        const recent = lines > 0 ? first.lines.slice(-lines) : [];
        if (recent.length > 0 || first.current !== '') yield { text: joinLines(recent), current: first.current };
        while (!signal.aborted) {
          try {
            await sleep(followIntervalMs, undefined, { signal });
          } catch {
            // The timer only rejects when the signal fires: the follower is done.
            return;
          }
          const now = await capture();
          if (!now) return;
          const added = linesAfter(seen.lines, now.lines);
          const changed = added.length > 0 || now.current !== seen.current;
          seen = now;
          if (changed) yield { text: joinLines(added), current: now.current };
        }
      })();
    },

    async sendInput(instance, { text, enter = true }) {
      if (text === '' && !enter) throw new CcBridgeError('INVALID_INPUT', 'Nothing to send: the text is empty and Enter was not asked for');
      await tmux.sendKeys(sessionOf(instance), text, { enter });
    },

    async terminalCommand(instance) {
      const name = sessionOf(instance);
      if (!(await tmux.getSession(name))) throw new CcBridgeError('NOT_FOUND', `No tmux session named ${name}`);
      return { file: 'tmux', args: tmux.attachArgs(name), description: `the tmux session ${name} (detach with the tmux prefix, then d: Ctrl-b d by default)` };
    },

    async readScreens(instances) {
      const named = instances.filter((instance) => instance.tmuxSession !== null);
      const screens = new Map<string, AgentScreen | null>();
      if (named.length === 0) return screens;
      const panes = await tmux.captureScreens(named.map(sessionOf));
      for (const instance of named) screens.set(instance.id, panes.get(sessionOf(instance)) ?? null);
      return screens;
    },
  };
}
