import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { type GlobalFlags, withBridge } from '../bridge.ts';
import { formatImportDetails, formatImportSummary, toJsonDocument } from '../format.ts';
import { CliError, type Io } from '../io.ts';

async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

export function registerImportCommand(program: Command<[], GlobalFlags>, io: Io): void {
  program
    .command('import')
    .description("import the original cc-bridge's registry (~/.claude/bridge/instances.json)")
    .argument('<file>', 'the instances.json to read')
    .option('--json', 'print one JSON document on stdout')
    .action(async (file, options, command) => {
      // Read and understood before the database is opened: a wrong file costs nothing.
      const path = resolve(file);
      const { parseLegacyRegistry } = await import('../open.ts');
      const legacy = parseLegacyRegistry(await readJsonFile(path));
      await withBridge(io, command, { skipStartup: true }, async ({ manager }) => {
        const imported = await manager.importInstances(legacy.records);
        const report = { imported: imported.imported, skipped: [...legacy.skipped, ...imported.skipped] };
        if (options.json === true) {
          io.out(toJsonDocument(report));
          return;
        }
        io.err(`${formatImportSummary(report)}\n`);
        io.out(formatImportDetails(report));
      });
    });
}
