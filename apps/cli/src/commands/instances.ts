import type { BulkTarget, DiscoveryReport, RemovalReport } from '@cc-bridge/core';
import { type Instance, instanceTypes, typeSpecs } from '@cc-bridge/core/schemas';
import { TranscriptUsageReader } from '@cc-bridge/core/transcript-usage';
import { type Command, Option } from '@commander-js/extra-typings';
import { type CcBridge, type CommandRef, type GlobalFlags, type Registry, withBridge, withRegistry } from '../bridge.ts';
import { printBulkResults } from '../bulk-output.ts';
import {
  formatDeleted,
  formatDiscoveryDetails,
  emptyListMessage,
  formatDiscoverySummary,
  formatInstanceDetails,
  formatInstanceTable,
  formatRemovalSummary,
  formatRetentionSummary,
  formatStatus,
  instanceToJson,
  removalToJson,
  statusToJson,
  toJsonDocument,
} from '../format.ts';
import { CliError, type Io, ReportedFailure } from '../io.ts';
import { registerInstanceIoCommands } from './instance-io.ts';
import {
  addListFilters,
  addListSort,
  addRuntimeOptions,
  buildCreateInput,
  buildUpdatePatch,
  FlagUsageError,
  listFilterQuery,
  listSortQuery,
  type ListFilterFlags,
  parseClearFlag,
  parseDurationFlag,
  parseWholeNumber,
  wholeNumberBetween,
  type UpdateFlags,
} from '../options.ts';

type RootCommand = Command<[], GlobalFlags>;

const jsonFlag = ['--json', 'print one JSON document on stdout'] as const;

type ErrorReporter = { error(message: string, options: { exitCode: number; code: string }): never };

function usageError(command: ErrorReporter, message: string): never {
  return command.error(message, { exitCode: 2, code: 'cc-bridge.usage' });
}

/** Checks of flags that go together (or must not) are usage errors, like commander's own. */
function orUsageError<T>(command: ErrorReporter, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof FlagUsageError) usageError(command, error.message);
    throw error;
  }
}

const hasChanges = (report: DiscoveryReport) =>
  report.added.length + report.updated.length + report.markedStopped.length + report.conflicts.length > 0;

function printRemoval(io: Io, report: RemovalReport, what: string, isJson: boolean): void {
  if (isJson) {
    io.out(toJsonDocument(removalToJson(report)));
    return;
  }
  if (report.removed.length > 0) io.out(formatInstanceTable(report.removed, io.now()));
  io.err(`${formatRemovalSummary(report, what)}\n`);
}

/**
 * Which records `start`/`stop`/`restart` act on: the names given, every record the filters
 * match, or with `--all` every record. None of these, or names with filters or `--all`, is a
 * usage error (nothing is opened).
 */
/** Token use read from the transcript on this machine, for the commands that only run here. */
const localTranscripts = { tokenUse: (instance: Instance) => new TranscriptUsageReader().read(instance.claudeTranscriptPath) };

function actionTarget(command: ErrorReporter, verb: string, names: string[], flags: ListFilterFlags & { all?: true }): BulkTarget {
  const query = listFilterQuery(flags);
  const hasFilters = Object.keys(query).length > 0;
  const isAll = flags.all === true;
  if (names.length > 0 && (hasFilters || isAll)) usageError(command, `give instance names or --type/--status/--activity/--origin/--search/--all, not both`);
  if (isAll && hasFilters) usageError(command, `--all acts on every record: leave it out to ${verb} only what the filters match`);
  if (names.length > 0) return { names };
  if (!hasFilters && !isAll) usageError(command, `which instances? Give names, filters (--type, --status, --activity, --origin, --search), or --all for every record`);
  return { query };
}

/** What the runtime commands do, in the words their output uses. */
const runtimeActions = [
  { kind: 'start', description: "start instances: a tmux session running the configured command in the record's cwd, or the existing container" },
  { kind: 'stop', description: "stop instances: kill the tmux session, or stop the container (its own grace period); records stay" },
  { kind: 'restart', description: 'restart instances: the tmux session anew, or the container' },
] as const;

/** One record: as JSON, or as aligned fields; with its agent's token use from the transcript. */
async function printInstance(io: Io, registry: Pick<Registry, 'tokenUse'>, instance: Instance, isJson: boolean): Promise<void> {
  const tokens = await registry.tokenUse(instance);
  io.out(isJson ? toJsonDocument(instanceToJson(instance, tokens)) : formatInstanceDetails(instance, io.now(), tokens));
}

export function registerInstanceCommands(program: RootCommand, io: Io): void {
  const instances = program.command('instances').description('list, create, change and remove instances');
  // Commands that need this machine's database or runtimes; with --server they are refused.
  const open = <T>(command: CommandRef, work: (bridge: CcBridge) => Promise<T>) => withBridge(io, command, { skipStartup: true }, work);
  // Commands the team server's /api/v1 serves too: local or remote, the same code and output.
  const openRegistry = <T>(command: CommandRef, work: (registry: Registry) => Promise<T>) => withRegistry(io, command, { skipStartup: true }, work);

  const list = instances.command('list');
  list
    .description('list instances; runs container discovery first unless told not to')
  addListSort(addListFilters(list))
    .option(...jsonFlag)
    .option('--skip-discovery', 'list what is stored: no container discovery, no status refresh')
    .option('--cleanup-stopped', 'remove stopped records before listing')
    .action(async (options, command) => {
      const isJson = options.json === true;
      const overrides = {
        ...(options.skipDiscovery === true ? { skipDiscovery: true } : {}),
        ...(options.cleanupStopped === true ? { cleanupStopped: true } : {}),
      };
      await withRegistry(io, command, { skipStartup: false, overrides }, async (registry) => {
        // A team server runs discovery, refreshes statuses and applies hook reports itself.
        const { local } = registry;
        if (local === null && options.cleanupStopped === true) throw new CliError('--cleanup-stopped is not available with --server: the server applies [retention] itself');
        if (local !== null) {
          const { startup, manager } = local;
          // Core already logs discovery errors; a quiet run needs no line before the table.
          if (startup.discovery !== null && !isJson && hasChanges(startup.discovery)) {
            io.err(`${formatDiscoverySummary(startup.discovery)}\n`);
          }
          if (startup.cleanup !== null && !isJson) io.err(`${formatRemovalSummary(startup.cleanup, 'stopped instance')}\n`);
          // The stored status may be old (an import, a reboot): ask the runtimes, one call each.
          if (options.skipDiscovery !== true) {
            const refresh = await manager.refreshStatuses();
            if (!isJson && refresh.changed.length > 0) io.err(`status: ${refresh.changed.length} changed since last seen\n`);
          }
          // What the agents' hooks reported since anyone last looked (the activity column).
          await manager.applyHookReports();
        }
        const result = await registry.manager.listInstances({ ...listFilterQuery(options), ...listSortQuery(options) });
        if (isJson) {
          const records = [];
          for (const item of result.items) records.push(instanceToJson(item, await registry.tokenUse(item)));
          io.out(toJsonDocument(records));
        }
        else if (result.items.length === 0) io.out(emptyListMessage(result.total));
        else io.out(formatInstanceTable(result.items, io.now()));
      });
    });

  const watch = instances.command('watch');
  watch.description('the list as a live table, redrawn on every change by any process; q or Ctrl-C quits');
  addListSort(addListFilters(watch)).action(async (options, command) => {
    const { watchInstances } = await import('../watch.ts');
    await open(command, (bridge) =>
      watchInstances(bridge, { ...listFilterQuery(options), ...listSortQuery(options) }, { input: process.stdin, output: process.stdout }),
    );
  });

  addRuntimeOptions(
    instances
      .command('create')
      .description('register an instance, and with --start start its tmux session or container')
      .argument('<name>', 'the instance name')
      .addOption(new Option('--type <type>', 'tmux (default) or docker').choices(instanceTypes)),
  )
    .option('--start', 'also start the tmux session or the container')
    .option(...jsonFlag)
    .action(async (name, options, command) => {
      await openRegistry(command, async (registry) => {
        const instance = await registry.manager.createInstance(buildCreateInput(name, options), { start: options.start === true });
        await printInstance(io, registry, instance, options.json === true);
      });
    });

  instances
    .command('show')
    .description('show one instance as stored')
    .argument('<name>', 'the instance name')
    .option(...jsonFlag)
    .action(async (name, options, command) => {
      await openRegistry(command, async (registry) => {
        // What the agent's hooks reported since anyone last looked (its activity rows); a server applies them itself.
        await registry.local?.manager.applyHookReports();
        const instance = await registry.manager.getInstanceOrThrow(name);
        await printInstance(io, registry, instance, options.json === true);
      });
    });

  instances
    .command('status')
    .description("ask each instance's tmux session or container how it is now; exit 1 when one cannot be asked")
    .argument('<name...>', 'the instance names')
    .option(...jsonFlag)
    .action(async (names, options, command) => {
      const isJson = options.json === true;
      await openRegistry(command, async ({ manager, local }) => {
        await local?.manager.applyHookReports();
        const [name] = names;
        if (names.length === 1 && name !== undefined) {
          const result = await manager.getInstanceStatus(name, { refresh: true });
          io.out(isJson ? toJsonDocument(statusToJson(result)) : formatStatus(result, io.now()));
          // `unknown` because the runtime could not be asked is not an answer a script may act on.
          if (result.error !== null) throw new ReportedFailure(result.error.message);
          return;
        }
        // Several names: one call per runtime for all of them, a result per name.
        const results = await manager.runBulk({ names }, { kind: 'refreshStatus' });
        if (!printBulkResults(io, results, isJson, (result) => `${result.name}: ${result.status ?? 'unknown'}`)) {
          throw new ReportedFailure('some statuses could not be read');
        }
      });
    });

  for (const { kind, description } of runtimeActions) {
    addListFilters(instances.command(kind).description(description).argument('[names...]', 'the instance names (or use the filters)'))
      .option('--all', 'every record in the registry')
      .option('--concurrency <n>', 'act on at most this many at once (1-32, default 4)', wholeNumberBetween(1, 32))
      .option(...jsonFlag)
      .action(async (names, options, command) => {
        const target = actionTarget(command, kind, names, options);
        const isJson = options.json === true;
        await openRegistry(command, async ({ manager }) => {
          const results = await manager.runBulk(target, { kind }, { concurrency: options.concurrency });
          if (results.length === 0 && !isJson) io.err('No instances match.\n');
          // `stopped  web-1`: the status the runtime reports afterwards, then the name.
          if (!printBulkResults(io, results, isJson, (result) => `${(result.status ?? 'unknown').padEnd(8)} ${result.name}`)) {
            throw new ReportedFailure(`some instances could not be ${kind === 'stop' ? 'stopped' : `${kind}ed`}`);
          }
        });
      });
  }

  instances
    .command('recreate')
    .description('make a new container for a record whose container is gone, from its image, name and network; the record keeps its name and history')
    .argument('<name>', 'the instance name')
    .option(...jsonFlag)
    .action(async (name, options, command) => {
      await open(command, async ({ manager }) => {
        const instance = await manager.recreateInstance(name);
        await printInstance(io, localTranscripts, instance, options.json === true);
      });
    });

  instances
    .command('resume')
    .description("start Claude Code again on a stopped tmux instance's last conversation (or one whose agent exited): its command with --resume SESSION_ID, in its working directory")
    .argument('<name>', 'the instance name')
    .option(...jsonFlag)
    .action(async (name, options, command) => {
      await open(command, async ({ manager }) => {
        const instance = await manager.resumeInstance(name);
        await printInstance(io, localTranscripts, instance, options.json === true);
      });
    });

  addRuntimeOptions(
    instances
      .command('update')
      .description('change an instance; --clear FLAG empties a field')
      .argument('<name>', 'the instance name')
      .option('--name <new-name>', 'rename the instance'),
  )
    .option('--clear <flag>', 'empty the field of this flag (e.g. --clear pid); repeatable', parseClearFlag)
    .option('--expected-version <n>', 'fail if the record changed since this version', parseWholeNumber)
    .option(...jsonFlag)
    .action(async (name, options, command) => {
      const flags: UpdateFlags = options;
      const patch = orUsageError(command, () => buildUpdatePatch(flags));
      await openRegistry(command, async (registry) => {
        const instance = await registry.manager.updateInstance(name, patch, { expectedVersion: options.expectedVersion });
        await printInstance(io, registry, instance, options.json === true);
      });
    });

  instances
    .command('delete')
    .description('remove instances from the registry')
    .argument('<name...>', 'the instance names')
    .option('--remove-runtime', 'also kill their tmux sessions, or stop and remove their containers')
    .option('--yes', 'do not ask for confirmation')
    .option(...jsonFlag)
    .action(async (names, options, command) => {
      const isConfirmed = options.yes === true;
      const removeRuntime = options.removeRuntime === true;
      const [name] = names;
      await openRegistry(command, async ({ manager }) => {
        // A name that is not in the registry is said before any confirmation is asked for.
        const found = isConfirmed ? [] : await Promise.all(names.map((each) => manager.getInstanceOrThrow(each)));
        if (!isConfirmed && !io.isInteractive) {
          usageError(command, `not deleting ${names.join(', ')} without confirmation: pass --yes (stdin is not a terminal to ask on)`);
        }
        if (names.length === 1 && name !== undefined) {
          // Found unless --yes skipped asking.
          const [instance] = found;
          if (instance !== undefined) {
            const runtime = typeSpecs[instance.type].removeRuntimePhrase;
            const question = `Delete ${instance.type} instance ${name}${removeRuntime ? ` and ${runtime}` : ''}? [y/N] `;
            if (!(await io.confirm(question))) throw new CliError(`${name} not deleted: not confirmed`);
          }
          const result = await manager.deleteInstance(name, { removeRuntime });
          if (options.json === true) {
            io.out(toJsonDocument({ instance: instanceToJson(result.instance), runtime: result.runtime }));
            return;
          }
          io.out(`${formatDeleted(result)}\n`);
          return;
        }
        if (!isConfirmed) {
          const runtimes = removeRuntime ? ' and kill their tmux sessions or remove their containers' : '';
          if (!(await io.confirm(`Delete ${names.length} instances (${names.join(', ')})${runtimes}? [y/N] `))) {
            throw new CliError(`${names.join(', ')} not deleted: not confirmed`);
          }
        }
        const results = await manager.runBulk({ names }, { kind: 'delete', removeRuntime });
        if (!printBulkResults(io, results, options.json === true, (result) => `Deleted ${result.name}.`)) {
          throw new ReportedFailure('some instances were not deleted');
        }
      });
    });

  registerInstanceIoCommands(instances, io);

  instances
    .command('discover')
    .description('look for Claude Code containers now and update their records')
    .option(...jsonFlag)
    .action(async (options, command) => {
      await openRegistry(command, async ({ manager }) => {
        const report = await manager.refreshDiscovery();
        if (options.json === true) {
          io.out(toJsonDocument(report));
        } else {
          io.err(`${formatDiscoverySummary(report)}\n`);
          io.out(formatDiscoveryDetails(report));
        }
        // Asked for explicitly, a discovery that could not look (Docker disabled or unreachable)
        // failed, even though what it did see is reported above.
        if (report.errors.length > 0) throw new CliError(`discovery: ${report.errors.map((error) => error.message).join('; ')}`);
      });
    });

  instances
    .command('prune')
    .description('remove discovered records whose container is gone')
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option(...jsonFlag)
    .action(async (options, command) => {
      await open(command, async ({ manager }) => {
        const report = await manager.pruneDiscoveredInstances({ dryRun: options.dryRun === true });
        printRemoval(io, report, 'discovered record', options.json === true);
      });
    });

  instances
    .command('cleanup')
    .description('remove stopped instances')
    .addOption(new Option('--type <type>', 'only this type').choices(instanceTypes))
    .option('--older-than <duration>', 'only those unchanged for this long (30s, 15m, 12h, 7d, 2w, 1d12h)', parseDurationFlag)
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('--policy', 'apply [retention] from the config instead: stopped records past stopped_after, history past events_after')
    .option(...jsonFlag)
    .action(async (options, command) => {
      if (options.policy === true && (options.type !== undefined || options.olderThan !== undefined)) {
        usageError(command, '--policy applies [retention] as configured: leave out --type and --older-than');
      }
      await open(command, async ({ manager }) => {
        if (options.policy === true) {
          const report = await manager.applyRetention({ dryRun: options.dryRun === true });
          if (options.json === true) {
            io.out(toJsonDocument({ ...removalToJson({ ...report, engine: null, otherEngine: [] }), events: report.events, stoppedBefore: report.stoppedBefore, eventsBefore: report.eventsBefore }));
            return;
          }
          if (report.removed.length > 0) io.out(formatInstanceTable(report.removed, io.now()));
          io.err(`${formatRetentionSummary(report)}\n`);
          return;
        }
        const report = await manager.cleanupStoppedInstances({
          type: options.type,
          olderThanMs: options.olderThan,
          dryRun: options.dryRun === true,
        });
        printRemoval(io, report, 'stopped instance', options.json === true);
      });
    });
}
