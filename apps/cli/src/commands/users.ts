import { Option, type Command } from '@commander-js/extra-typings';
import type { AuthService } from '@cc-bridge/core';
import { roles } from '@cc-bridge/core/auth/roles';
import { withBridge, type CommandRef, type GlobalFlags } from '../bridge.ts';
import { formatDateTime, formatTable, toJsonDocument } from '../format.ts';
import { CliError, type Io } from '../io.ts';

const jsonFlag = ['--json', 'print one JSON document on stdout'] as const;

// The role and name values are checked by core's zod schemas (auth/names.ts): one rule for the
// CLI and the dashboard. commander's choices() only keeps a misspelt role a usage error (exit 2).
const roleOption = (description: string) => new Option('--role <role>', description).choices(roles);

/** Opens core, then its auth service (better-auth loads here, never for other commands). */
function withAuth<T>(io: Io, command: CommandRef, work: (auth: AuthService) => Promise<T>): Promise<T> {
  return withBridge(io, command, { skipStartup: true }, async (bridge) => work(await bridge.auth()));
}

/** `cc-bridge users …` and `cc-bridge tokens …`: who may sign in to the dashboard, and API tokens. */
export function registerUserCommands(program: Command<[], GlobalFlags>, io: Io): void {
  const users = program.command('users').description('people who sign in to the dashboard, each with a role (viewer, operator, admin)');

  users
    .command('add')
    .description('add a user; the password is read from stdin (one line), never from an argument')
    .argument('<name>', 'the user name: 1–32 of a-z, 0-9, ".", "_", "-"')
    .addOption(roleOption('what the user may do').makeOptionMandatory())
    .option('--password-stdin', 'read the password from stdin (required)')
    .option(...jsonFlag)
    .action(async (name, options, command) => {
      if (options.passwordStdin !== true) command.error('the password is read from stdin only: pass --password-stdin', { exitCode: 2, code: 'cc-bridge.usage' });
      const password = (await io.readInput()).split(/\r?\n/)[0] ?? '';
      if (password === '') throw new CliError(`${name} not added: no password on stdin (pipe one line: a password of at least 8 characters)`);
      await withAuth(io, command, async (auth) => {
        const user = await auth.addUser({ name, role: options.role, password });
        if (options.json === true) io.out(toJsonDocument({ name: user.name, role: user.role, createdAt: user.createdAt.toISOString() }));
        else io.out(`Added ${user.role} ${user.name}.\n`);
      });
    });

  users
    .command('list')
    .description('list users and their roles')
    .option(...jsonFlag)
    .action(async (options, command) => {
      await withAuth(io, command, async (auth) => {
        const listed = await auth.listUsers();
        if (options.json === true) {
          io.out(toJsonDocument(listed.map((user) => ({ name: user.name, role: user.role, createdAt: user.createdAt.toISOString(), tokens: user.tokens }))));
          return;
        }
        if (listed.length === 0) {
          io.out('No users: the dashboard answers on loopback only; add an admin with `cc-bridge users add NAME --role admin --password-stdin`\n');
          return;
        }
        io.out(formatTable(['NAME', 'ROLE', 'TOKENS', 'ADDED'], listed.map((user) => [user.name, user.role, String(user.tokens), formatDateTime(user.createdAt)])));
      });
    });

  users
    .command('remove')
    .description('remove a user, their sessions and their API tokens')
    .argument('<name>', 'the user name')
    .option('--yes', 'do not ask for confirmation')
    .action(async (name, options, command) => {
      if (options.yes !== true) {
        if (!io.isInteractive) throw new CliError(`${name} not removed without confirmation: pass --yes (stdin is not a terminal to ask on)`);
        if (!(await io.confirm(`Remove user ${name}, their sessions and API tokens? [y/N] `))) throw new CliError(`${name} not removed: not confirmed`);
      }
      await withAuth(io, command, async (auth) => {
        await auth.removeUser(name);
        io.out(`Removed user ${name.toLowerCase()} with their sessions and API tokens.\n`);
      });
    });

  const tokens = program.command('tokens').description('API tokens (Authorization: Bearer), each for one user with a role at most theirs');

  tokens
    .command('create')
    .description('create an API token and print it once: only its hash is kept')
    .requiredOption('--user <name>', 'whose token it is')
    .addOption(roleOption("the token's role (default: the user's; never above it)"))
    .option(...jsonFlag)
    .action(async (options, command) => {
      await withAuth(io, command, async (auth) => {
        const token = await auth.createToken({ user: options.user, role: options.role });
        if (options.json === true) {
          io.out(toJsonDocument({ id: token.id, user: token.user, role: token.role, token: token.token, createdAt: token.createdAt.toISOString() }));
          return;
        }
        io.out(`${token.token}\n`);
        io.err(`Created ${token.role} token ${token.id} for ${token.user}: it is shown this once; send it as "Authorization: Bearer TOKEN".\n`);
      });
    });

  tokens
    .command('list')
    .description('list API tokens (never the tokens themselves)')
    .option(...jsonFlag)
    .action(async (options, command) => {
      await withAuth(io, command, async (auth) => {
        const listed = await auth.listTokens();
        if (options.json === true) {
          io.out(
            toJsonDocument(
              listed.map((token) => ({ id: token.id, user: token.user, role: token.role, start: token.start, createdAt: token.createdAt.toISOString(), lastUsedAt: token.lastUsedAt?.toISOString() ?? null })),
            ),
          );
          return;
        }
        if (listed.length === 0) {
          io.out('No API tokens\n');
          return;
        }
        io.out(
          formatTable(
            ['ID', 'USER', 'ROLE', 'STARTS', 'CREATED', 'LAST USED'],
            listed.map((token) => [token.id, token.user, token.role, `${token.start ?? ''}…`, formatDateTime(token.createdAt), token.lastUsedAt ? formatDateTime(token.lastUsedAt) : '-']),
          ),
        );
      });
    });

  tokens
    .command('revoke')
    .description('revoke an API token: refused from the next request on')
    .argument('<id>', 'the token id (see `tokens list`)')
    .action(async (id, _options, command) => {
      await withAuth(io, command, async (auth) => {
        await auth.revokeToken(id);
        io.out(`Revoked API token ${id}.\n`);
      });
    });
}
