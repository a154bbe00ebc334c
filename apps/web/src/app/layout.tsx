import type { Metadata } from 'next';
import Link from 'next/link';
import { headers } from 'next/headers';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { roleAllows } from '@cc-bridge/core/auth/roles';
import { authorize } from '@/lib/auth/authorize';
import { SignedInProvider, type SignedIn } from '@/lib/auth/principal-context';
import { InboxLink } from './_components/inbox-watch';
import { LiveStatus } from './_components/live-status';
import { SignOutButton } from './_components/sign-out-button';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'cc-bridge', template: '%s · cc-bridge' },
  description: 'Claude Code instances in tmux sessions and Docker containers',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request: Next.js stamps the request's CSP nonce (set by proxy.ts) on
  // its scripts, and a page prerendered at build time would carry none and be refused its scripts.
  await connection();
  // proxy.ts sends signed-out page requests to /sign-in (or /setup); those two render bare.
  const signedIn = await signedInUser();
  if (!signedIn) {
    return (
      <html lang="en">
        <body className="min-h-screen bg-zinc-50 text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
          <main className="mx-auto max-w-[100rem] px-4 py-6 sm:px-6">{children}</main>
        </body>
      </html>
    );
  }
  return (
    <html lang="en">
      <body className="min-h-screen bg-zinc-50 text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <Providers>
         <SignedInProvider value={signedIn}>
          <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
            <div className="mx-auto flex h-14 max-w-[100rem] items-center gap-6 px-4 sm:px-6">
              <Link
                href="/instances"
                className="rounded text-base font-semibold tracking-tight focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none"
              >
                cc-bridge
              </Link>
              <nav aria-label="Main" className="text-sm text-zinc-600 dark:text-zinc-400">
                <Link href="/instances" className="rounded px-1 hover:text-zinc-900 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none dark:hover:text-zinc-100">
                  Instances
                </Link>
                <InboxLink className="ml-3 rounded px-1 hover:text-zinc-900 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none dark:hover:text-zinc-100" />
                <Link href="/audit" className="ml-3 rounded px-1 hover:text-zinc-900 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none dark:hover:text-zinc-100">
                  Audit
                </Link>
                <Link href="/settings/tokens" className="ml-3 rounded px-1 hover:text-zinc-900 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none dark:hover:text-zinc-100">
                  API tokens
                </Link>
                {roleAllows(signedIn.role, 'admin') ? (
                  <Link href="/settings/users" className="ml-3 rounded px-1 hover:text-zinc-900 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none dark:hover:text-zinc-100">
                    Users
                  </Link>
                ) : null}
              </nav>
              <LiveStatus className="ml-auto" />
              <SignOutButton />
            </div>
          </header>
          <main className="mx-auto max-w-[100rem] px-4 py-6 sm:px-6">{children}</main>
         </SignedInProvider>
        </Providers>
      </body>
    </html>
  );
}

/** The signed-in user of this request, or null (signed out, or the registry cannot be opened: the pages say why). */
async function signedInUser(): Promise<SignedIn | null> {
  try {
    const verdict = await authorize(await headers(), 'viewer');
    return verdict.ok ? { name: verdict.principal.name, role: verdict.principal.role } : null;
  } catch {
    return null;
  }
}
