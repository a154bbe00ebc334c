// Vitest global setup: builds the bundle once before any case starts the command, so the cases
// run the code under test and never race each other to rebuild a stale bundle.
import { execFile as execFileCallback } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFile = promisify(execFileCallback);

export default async function setup(): Promise<void> {
  const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  await execFile(process.execPath, ['--import', 'tsx', join(cliDir, 'build.ts')], { cwd: cliDir });
}
