import type { Metadata } from 'next';
import { CredentialsForm } from '../_components/credentials-form';

export const metadata: Metadata = { title: 'Sign in' };

/** /sign-in — where every signed-out page request is sent (proxy.ts); `?next=` is where to go back to. */
export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  return (
    <div className="mx-auto max-w-sm space-y-6 py-16">
      <h1 className="text-2xl font-semibold">Sign in to cc-bridge</h1>
      <CredentialsForm mode="sign-in" next={typeof next === 'string' ? next : undefined} />
    </div>
  );
}
