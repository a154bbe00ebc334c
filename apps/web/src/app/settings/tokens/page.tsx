import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { roleAllows } from '@cc-bridge/core/auth/roles';
import { authorize } from '@/lib/auth/authorize';
import { getBridge } from '@/lib/bridge';
import { TokensView } from './_components/tokens-view';

export const metadata: Metadata = { title: 'API tokens' };

/**
 * /settings/tokens (every signed-in user): the caller's own API tokens, an admin's view every
 * user's; read on the server per request from core's AuthService.
 */
export default async function TokensPage() {
  const verdict = await authorize(await headers(), 'viewer');
  if (!verdict.ok) redirect('/sign-in');
  const { principal } = verdict;
  const isAdmin = roleAllows(principal.role, 'admin');
  const tokens = await (await (await getBridge()).auth()).listTokens(isAdmin ? {} : { user: principal.name });
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-xl font-semibold">API tokens</h1>
      <TokensView tokens={tokens} self={{ name: principal.name, role: principal.role }} showsEveryone={isAdmin} />
    </div>
  );
}
