import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '@commander-js/extra-typings';
import type { GlobalFlags } from '../bridge.ts';
import { toJsonDocument } from '../format.ts';
import { CliError, type Io } from '../io.ts';

/**
 * dist/hook.mjs (build.ts makes it beside the bundle): the command Claude Code runs. From source
 * (tsx), the one the last build made.
 */
function hookScript(): string {
  for (const candidate of ['./hook.mjs', '../../dist/hook.mjs']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new CliError('The hook command dist/hook.mjs is not built; run `pnpm -C apps/cli build` first');
}

/** Where one settings file stands. */
interface HookFileStatus {
  file: string;
  scope: 'user' | 'project';
  /** Every event cc-bridge reports has its hook. */
  installed: boolean;
  /** The events that have it. */
  events: string[];
}

type Mode = 'install' | 'uninstall' | 'status';

export function registerHooksCommands(program: Command<[], GlobalFlags>, io: Io): void {
  const hooks = program
    .command('hooks')
    .description("Claude Code hooks that report each agent's activity (busy, waiting, idle) to cc-bridge");

  async function act(mode: Mode, flags: { project?: string; json?: true }, globals: GlobalFlags): Promise<void> {
    // Light entry points only: the settings merge and the configuration, no database.
    const [{ loadConfig }, settings] = await Promise.all([import('@cc-bridge/core/config'), import('@cc-bridge/core/claude-settings')]);
    const { reportedHookEvents } = settings;
    const script = hookScript();
    // A mistyped project would otherwise get a folder made for it, and a "hooks installed" it never reads.
    if (flags.project !== undefined && statSync(flags.project, { throwIfNoEntry: false })?.isDirectory() !== true) {
      throw new CliError(`--project ${flags.project} is not a folder; give the project's own folder (its settings are <dir>/.claude/settings.json)`);
    }
    const scope = flags.project === undefined ? 'user' : 'project';
    const file = settings.claudeSettingsPath(flags.project === undefined ? { home: homedir() } : { project: resolve(flags.project) });
    const before = settings.readClaudeSettings(file);
    if (mode === 'install') {
      const { hooks: hookConfig } = loadConfig({ configFile: globals.config, databaseUrl: globals.databaseUrl });
      const command = settings.hookCommandLine({ node: process.execPath, script, spoolDir: hookConfig.spoolDir });
      const after = settings.installHooks(before, { command, script });
      const isChanged = JSON.stringify(after) !== JSON.stringify(before);
      if (isChanged) settings.writeClaudeSettings(file, after);
      if (flags.json !== true) {
        io.out(isChanged ? `Installed cc-bridge's hooks (${reportedHookEvents.join(', ')}) in ${file}\n` : `cc-bridge's hooks are already installed in ${file}; nothing changed\n`);
      }
    } else if (mode === 'uninstall') {
      const after = settings.uninstallHooks(before, script);
      const isChanged = JSON.stringify(after) !== JSON.stringify(before);
      if (isChanged) settings.writeClaudeSettings(file, after);
      if (flags.json !== true) io.out(isChanged ? `Removed cc-bridge's hooks from ${file}\n` : `No cc-bridge hooks in ${file}; nothing changed\n`);
    }
    const events = settings.installedHookEvents(settings.readClaudeSettings(file), script);
    const status: HookFileStatus = { file, scope, installed: events.length === reportedHookEvents.length, events };
    if (flags.json === true) io.out(toJsonDocument(status));
    else if (mode === 'status') {
      const state = status.installed ? 'installed' : events.length === 0 ? 'not installed' : `partly installed (${events.join(', ')})`;
      io.out(`${scope} settings ${file}: ${state}\n`);
    }
  }

  const projectFlag = ['--project <dir>', "a project's settings (<dir>/.claude/settings.json) instead of the user's (~/.claude/settings.json)"] as const;
  const jsonFlag = ['--json', 'print the settings file and what it holds as JSON'] as const;

  hooks
    .command('install')
    .description("add cc-bridge's hook to Claude Code's settings, keeping every other hook and setting (idempotent)")
    .option(...projectFlag)
    .option('--uninstall', 'remove them instead (as `hooks uninstall`)')
    .option('--status', 'change nothing; say whether they are installed (as `hooks status`)')
    .option(...jsonFlag)
    .action(async (options, command) => {
      const mode: Mode = options.status === true ? 'status' : options.uninstall === true ? 'uninstall' : 'install';
      await act(mode, options, command.optsWithGlobals());
    });
  hooks
    .command('uninstall')
    .description("remove cc-bridge's hooks from Claude Code's settings; other hooks stay")
    .option(...projectFlag)
    .option(...jsonFlag)
    .action((options, command) => act('uninstall', options, command.optsWithGlobals()));
  hooks
    .command('status')
    .description("whether cc-bridge's hooks are in Claude Code's settings")
    .option(...projectFlag)
    .option(...jsonFlag)
    .action((options, command) => act('status', options, command.optsWithGlobals()));
}
