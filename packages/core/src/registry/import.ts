import { randomUUID } from 'node:crypto';
import { insertInstances, type InstanceRow } from '../db/bulk.ts';
import {
  createInstanceInput,
  dockerFields,
  emptyInstanceFields,
  inputFieldValuesOf,
  isSameContainer,
  shortContainerId,
  tmuxFields,
  type ImportRecord,
} from '../instance.ts';
import type { ActorOption, ImportReport } from '../reports.ts';
import { runtimeFor } from '../runtimes/runtimes.ts';
import { recordEvents, type RegistryContext } from './context.ts';

/** Importing records written elsewhere (the original cc-bridge's registry). */
export class Import {
  readonly #context: RegistryContext;

  constructor(context: RegistryContext) {
    this.#context = context;
  }

  /**
   * Imports records written elsewhere (the original cc-bridge). Each is validated like a new
   * record; invalid ones, and names (in any case), containers and tmux sessions already
   * registered, here or earlier in the file, are skipped with the reason. Re-running an import
   * adds nothing twice.
   */
  async importInstances(records: ImportRecord[], options: ActorOption = {}): Promise<ImportReport> {
    const report: ImportReport = { imported: [], skipped: [] };
    const existing = await this.#context.prisma.instance.findMany({ select: { name: true, containerId: true, tmuxSession: true } });
    // Who has each name (keyed in lower case) and each session.
    const names = new Map(existing.map((instance) => [instance.name.toLowerCase(), instance.name]));
    const sessions = new Map(existing.flatMap((instance) => (instance.tmuxSession ? [[instance.tmuxSession, instance.name] as const] : [])));
    const containerIds = existing.flatMap((instance) => (instance.containerId ? [instance.containerId] : []));
    const rows: InstanceRow[] = [];
    for (const record of records) {
      const fields = record.type === 'tmux' ? tmuxFields : dockerFields;
      const input = { name: record.name, type: record.type, ...Object.fromEntries(fields.map((field) => [field, record[field]])) };
      const parsed = createInstanceInput.safeParse(input);
      const containerId = parsed.success ? (parsed.data.containerId ?? null) : null;
      const session = parsed.success ? (runtimeFor(this.#context.runtimes, parsed.data).recordIdentity(parsed.data).tmuxSession ?? null) : null;
      const nameHolder = parsed.success ? names.get(parsed.data.name.toLowerCase()) : undefined;
      const sessionHolder = session === null ? undefined : sessions.get(session);
      if (!parsed.success) {
        report.skipped.push({ name: record.name, reason: parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ') });
      } else if (nameHolder !== undefined) {
        const reason = nameHolder === parsed.data.name ? 'an instance with this name is already registered' : `the name is taken by "${nameHolder}"`;
        report.skipped.push({ name: record.name, reason });
      } else if (containerId && containerIds.some((id) => isSameContainer(id, containerId))) {
        report.skipped.push({ name: record.name, reason: `container ${shortContainerId(containerId)} is already registered` });
      } else if (session !== null && sessionHolder !== undefined) {
        report.skipped.push({ name: record.name, reason: `tmux session ${session} is already registered as "${sessionHolder}"` });
      } else {
        names.set(parsed.data.name.toLowerCase(), parsed.data.name);
        if (session !== null) sessions.set(session, parsed.data.name);
        if (containerId) containerIds.push(containerId);
        const { data } = parsed;
        rows.push({
          id: randomUUID(),
          name: data.name,
          type: data.type,
          status: record.status,
          origin: 'manual',
          createdAt: record.createdAt ?? this.#context.now(),
          updatedAt: this.#context.now(),
          lastSeenAt: null,
          lastActivityAt: record.lastActivityAt,
          // Observed fields stay empty: the first Engine that lists the container claims the record.
          ...emptyInstanceFields,
          ...inputFieldValuesOf(data),
          tmuxSession: session,
        });
        report.imported.push(parsed.data.name);
      }
    }
    const actor = options.actor ?? this.#context.actor;
    await this.#context.prisma.$transaction(async (tx) => {
      await insertInstances(tx, rows);
      await recordEvents(tx, rows.map((row) => ({ instanceId: row.id, instanceName: row.name, kind: 'imported' as const, to: row, actor })));
    });
    return report;
  }
}
