import type { Metadata } from 'next';
import { CredentialsForm } from '../_components/credentials-form';

export const metadata: Metadata = { title: 'Set up' };

/**
 * /setup — the first visit on a registry without users (proxy.ts sends every page here then):
 * creates the first admin and signs them in. Once a user exists it is refused (and proxy.ts
 * sends /setup to /sign-in).
 */
export default function SetupPage() {
  return (
    <div className="mx-auto max-w-sm space-y-6 py-16">
      <h1 className="text-2xl font-semibold">Set up cc-bridge</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Nobody can sign in yet. Choose the name and password of the first admin: they add more users on the Users page
        (or with <code>cc-bridge users add</code>). The dashboard answers on this machine only until then.
      </p>
      <CredentialsForm mode="setup" />
    </div>
  );
}
