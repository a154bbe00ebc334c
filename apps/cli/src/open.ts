// The heavy half of the CLI: config, logger and core's database and runtimes. bridge.ts loads
// this module with import() from inside command actions, so `--help` and usage errors never
// pay for PGlite, Prisma or dockerode (the bundle keeps it in a chunk of its own).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export { createLogger, loadConfig, openCcBridge, parseLegacyRegistry } from '@cc-bridge/core';

/**
 * The detached database owner's script, dist/owner.mjs beside this chunk (build.ts makes both);
 * undefined when running from source (tsx), where each command opens the folder itself.
 */
export function findOwnerEntry(): string | undefined {
  const entry = fileURLToPath(new URL('./owner.mjs', import.meta.url));
  return existsSync(entry) ? entry : undefined;
}
