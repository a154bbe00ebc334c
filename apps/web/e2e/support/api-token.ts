import type { Role } from '@cc-bridge/core/roles';
import { createToken, e2eUsers } from './users';

const tokens = new Map<string, Promise<string>>();

/**
 * A bearer token of `role` for /api/v1: the ONE place tests and bench/api-load.ts get a token. A
 * real one, made with `cc-bridge tokens create` for the e2e user of that role (e2eUsers, which must
 * exist there) on the server whose environment is `env`: the main e2e server's unless told. Made
 * once per server and role in this process.
 */
export async function apiToken(role: Role, env?: Record<string, string>): Promise<string> {
  const serverEnv = env ?? (await mainServerEnv());
  const key = `${serverEnv.DATABASE_URL ?? serverEnv.CC_BRIDGE_DATA_DIR ?? ''} ${role}`;
  let token = tokens.get(key);
  if (!token) {
    token = createToken(serverEnv, e2eUsers[role].name, role);
    // A failed attempt is not kept: the next call tries again.
    token.catch(() => tokens.delete(key));
    tokens.set(key, token);
  }
  return token;
}

/** The main e2e server's environment, loaded only when asked for (env.ts makes the run's folder). */
async function mainServerEnv(): Promise<Record<string, string>> {
  const { serverEnv, serverHome } = await import('./env');
  return { ...serverEnv, HOME: serverHome };
}

/** The headers that carry `token`, as curl would send them (no Origin, no Sec-Fetch-*). */
export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}
