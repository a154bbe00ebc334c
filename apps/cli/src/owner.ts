// The detached database owner (dist/owner.mjs): a command that finds the embedded data folder
// unserved starts this in its own session, and it serves the folder to later commands until it
// has been idle for `[database] owner_linger` seconds (see runEmbeddedOwner). Its stdout and
// stderr are the folder's owner.log, so each line carries the time.
import { runEmbeddedOwner } from '@cc-bridge/core/embedded-owner';
import { createLogger } from '@cc-bridge/core/logger';

const logger = createLogger('info', (line) => process.stderr.write(`${new Date().toISOString()} ${line}`));
process.exitCode = await runEmbeddedOwner(process.argv.slice(2), logger);
