import { readFileSync } from 'node:fs';

/** The `Cookie` header a signed-in browser state (global-setup.ts) sends: for raw requests (sendRaw). */
export function cookieHeader(storageStateFile: string): string {
  const state = JSON.parse(readFileSync(storageStateFile, 'utf8')) as { cookies: { name: string; value: string }[] };
  return state.cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
}
