import type { Command } from '@commander-js/extra-typings';
import type { GlobalFlags } from '../bridge.ts';
import type { Io } from '../io.ts';

export function registerDbCommands(program: Command<[], GlobalFlags>, io: Io): void {
  const db = program.command('db').description('the embedded database');
  db.command('stop')
    .description(
      'stop the database owner process a command left serving the embedded data folder (it also stops by itself after [database] owner_linger seconds idle)',
    )
    .action(async (_options, command) => {
      const globals = command.optsWithGlobals();
      // Config and the owner's helpers only: stopping needs neither Prisma nor the runtimes.
      const [{ loadConfig }, { stopDetachedOwner }] = await Promise.all([import('@cc-bridge/core/config'), import('@cc-bridge/core/embedded-owner')]);
      const config = loadConfig({ configFile: globals.config, databaseUrl: globals.databaseUrl });
      if (config.database.url !== null) {
        io.out('cc-bridge uses a PostgreSQL server (database.url): there is no embedded database owner to stop\n');
        return;
      }
      const { dataDir } = config.database;
      const result = await stopDetachedOwner(dataDir);
      if ('stopped' in result) io.out(`Stopped the database owner (pid ${result.stopped}) of ${dataDir}\n`);
      else if ('servedByOther' in result) io.out(`${dataDir} is served by another cc-bridge process (the dashboard?), not by a database owner: nothing stopped\n`);
      else io.out(`No database owner process serves ${dataDir}\n`);
    });
}
