import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.ts';

/**
 * The secret that signs session cookies: the configured one (`CC_BRIDGE_AUTH_SECRET` or `[auth]
 * secret`), else `<data dir>/auth-secret`, created on first use (48 random bytes, base64url, mode
 * 0600) so a local install needs no setup. Several servers on one database need the same secret:
 * configure it there. Throws when the file cannot be read or written.
 */
export async function resolveAuthSecret(config: Pick<Config, 'auth' | 'database'>): Promise<string> {
  if (config.auth.secret !== null) return config.auth.secret;
  const file = join(config.database.dataDir, 'auth-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(config.database.dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  try {
    // `wx`: when another process wrote it first, theirs is the one to use.
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readFile(file, 'utf8')).trim();
  }
}
