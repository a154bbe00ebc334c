import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { authorize } from '@/lib/auth/authorize';
import { getBridge } from '@/lib/bridge';
import { UsersAdmin } from './_components/users-admin';

export const metadata: Metadata = { title: 'Users' };

/**
 * /settings/users (admins only; anyone else is sent to /instances, and the actions refuse them
 * anyway): the users and API tokens core's AuthService keeps, read on the server per request.
 */
export default async function UsersPage() {
  const verdict = await authorize(await headers(), 'admin');
  if (!verdict.ok) redirect('/instances');
  const auth = await (await getBridge()).auth();
  const [users, tokens] = await Promise.all([auth.listUsers(), auth.listTokens()]);
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-xl font-semibold">Users</h1>
      <UsersAdmin users={users} tokens={tokens} self={verdict.principal.name} />
    </div>
  );
}
