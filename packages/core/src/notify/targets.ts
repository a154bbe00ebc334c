import { spawn } from 'node:child_process';
import type { Config } from '../config.ts';
import { notificationEnv, type Notification } from './notification.ts';

/** Where notifications go: sends one, resolving once it was taken, throwing why it was not. */
export interface NotifyTarget {
  /** For logs: never the whole webhook URL (its path often holds a secret token). */
  readonly label: string;
  send(notification: Notification, signal: AbortSignal): Promise<void>;
}

/** How long one webhook request or one command run may take (ms). */
export const notifyTimeoutMs = 10_000;

/** POSTs the notification as JSON; anything but a 2xx answer within `timeoutMs` is a failure. */
export function webhookTarget(url: string, timeoutMs = notifyTimeoutMs): NotifyTarget {
  return {
    label: `webhook ${new URL(url).origin}`,
    async send(notification, signal) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'cc-bridge' },
        body: JSON.stringify(notification),
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      }).catch((error: unknown) => {
        // fetch says only "fetch failed"; why (ECONNREFUSED, a DNS failure) is in its cause.
        const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
        throw error instanceof Error ? new Error(`${error.message}${cause}`, { cause: error }) : error;
      });
      // Read to the end, so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) throw new Error(`answered ${String(response.status)} ${response.statusText}`.trim());
    },
  };
}

/**
 * Runs `argv` (no shell) with the facts in CC_BRIDGE_NOTIFY_* variables on top of this process's
 * environment and the notification as JSON on stdin; exit code 0 within `timeoutMs` is success.
 * The command's stdout is ignored; the end of its stderr is in the error.
 */
export function commandTarget(argv: readonly [string, ...string[]], timeoutMs = notifyTimeoutMs): NotifyTarget {
  const [program, ...args] = argv;
  return {
    label: `command ${program}`,
    send(notification, signal) {
      return new Promise<void>((resolve, reject) => {
        const child = spawn(program, args, {
          // The command needs PATH, HOME and the like: the variables are added to what this process has.
          env: { ...process.env, ...notificationEnv(notification) },
          stdio: ['pipe', 'ignore', 'pipe'],
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
          killSignal: 'SIGKILL',
        });
        let stderr = '';
        child.stderr.setEncoding('utf8');
        child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-500)));
        // A command that exits without reading stdin closes the pipe: not a failure of its own.
        child.stdin.on('error', () => undefined);
        child.stdin.end(`${JSON.stringify(notification)}\n`);
        child.once('error', reject);
        child.once('close', (code, killedBy) => {
          if (code === 0) resolve();
          else reject(new Error(`${program} ${killedBy ? `was killed (${killedBy})` : `exited with ${String(code)}`}${stderr.trim() ? `: ${stderr.trim()}` : ''}`));
        });
      });
    },
  };
}

/** The targets `[notify]` configures, webhook first; empty when it names none. */
export function configuredTargets(settings: Config['notify']): NotifyTarget[] {
  const targets: NotifyTarget[] = [];
  if (settings.webhook !== null) targets.push(webhookTarget(settings.webhook));
  const [program, ...args] = settings.command ?? [];
  if (program !== undefined) targets.push(commandTarget([program, ...args]));
  return targets;
}
