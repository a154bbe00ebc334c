import { type Command, Option } from '@commander-js/extra-typings';
import { type GlobalFlags, withBridge } from '../bridge.ts';
import { auditEntryToJson, formatAuditTable, toJsonDocument } from '../format.ts';
import type { Io } from '../io.ts';
import { parseDurationFlag, wholeNumberBetween } from '../options.ts';

/** `cc-bridge audit`: the audit log, newest first, filtered as the dashboard's /audit filters it. */
export function registerAuditCommand(program: Command<[], GlobalFlags>, io: Io): void {
  program
    .command('audit')
    .description('who changed what, when and from where (newest first)')
    .option('--instance <name>', 'only this instance (across renames while it exists)')
    .option('--actor <actor>', 'only actors containing this text, any case (user:alice, cli:bob, discovery, retention)')
    .option('--action <action>', 'only this action (create, update, delete, start, stop, send, answer, prune-events, …)')
    .option('--since <duration>', 'only the last 30s, 15m, 12h, 7d, 2w …', parseDurationFlag)
    .addOption(new Option('--limit <n>', 'at most this many entries').argParser(wholeNumberBetween(1)).default(100))
    .option('--json', 'print one JSON document on stdout')
    .action(async (options, command) => {
      await withBridge(io, command, { skipStartup: true }, async ({ manager }) => {
        const page = await manager.listAudit({
          ...(options.instance ? { instance: options.instance } : {}),
          ...(options.actor ? { actor: options.actor } : {}),
          ...(options.action ? { action: options.action } : {}),
          ...(options.since !== undefined ? { since: new Date(io.now().getTime() - options.since) } : {}),
          limit: options.limit,
        });
        if (options.json === true) io.out(toJsonDocument(page.items.map(auditEntryToJson)));
        else if (page.items.length === 0) io.out('No audit entries match.\n');
        else io.out(formatAuditTable(page.items));
      });
    });
}
