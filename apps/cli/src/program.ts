import { Command, CommanderError } from '@commander-js/extra-typings';
import { registerAuditCommand } from './commands/audit.ts';
import { registerDbCommands } from './commands/db.ts';
import { registerHooksCommands } from './commands/hooks.ts';
import { registerImportCommand } from './commands/import.ts';
import { registerInstanceCommands } from './commands/instances.ts';
import { registerUserCommands } from './commands/users.ts';
import { formatError } from './format.ts';
import { ExitStatus, type Io, ReportedFailure } from './io.ts';

/** Usage errors read like every other error: one line, `cc-bridge: …`. */
function usageLine(text: string): string {
  return `cc-bridge: ${text.replace(/^error: /, '').replace(/\s+/g, ' ').trim()}\n`;
}

export function createProgram(io: Io) {
  // Settings are copied to sub-commands when they are created, so they come first.
  const program = new Command('cc-bridge')
    .description('One registry of Claude Code instances in tmux sessions and Docker containers')
    .option('--config <file>', 'config file (default: ~/.config/cc-bridge/config.toml)')
    .option('--database-url <url>', 'a PostgreSQL server instead of the embedded database')
    .option('--server <url>', 'a team server instead of a database (CC_BRIDGE_SERVER, [server] url); its token from CC_BRIDGE_TOKEN, [server] token or token_file, or --token-stdin, never a flag (ps would show it)')
    .option('--token-stdin', "read the team server's token from stdin (one line)")
    .option('--insecure', 'allow a plain-http --server that is not loopback (the token crosses the network in clear)')
    .option('--verbose', 'debug logs on stderr')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      outputError: (text, write) => write(usageLine(text)),
    });
  registerInstanceCommands(program, io);
  registerImportCommand(program, io);
  registerDbCommands(program, io);
  registerHooksCommands(program, io);
  registerAuditCommand(program, io);
  registerUserCommands(program, io);
  return program;
}

export type Program = ReturnType<typeof createProgram>;

/** Runs one command line; resolves to the exit code: 0 done, 1 failed, 2 usage error. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has already printed its message (help, version, or the usage error).
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof ReportedFailure) return 1;
    if (error instanceof ExitStatus) return error.exitCode;
    io.err(formatError(error));
    if (program.opts().verbose === true && error instanceof Error && error.stack !== undefined) {
      io.err(`${error.stack}\n`);
    }
    return 1;
  }
}
