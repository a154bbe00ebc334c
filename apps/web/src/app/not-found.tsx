import Link from 'next/link';

/**
 * Any URL the dashboard has no page for. Next.js's built-in page styles itself with inline style
 * attributes and an un-nonced <style>, which the Content-Security-Policy refuses.
 */
export default function NotFound() {
  return (
    <div className="mx-auto max-w-xl space-y-3 py-16 text-center">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="text-neutral-600 dark:text-neutral-400">There is nothing at this address.</p>
      <p>
        <Link className="text-blue-700 underline underline-offset-2 focus-visible:outline-2 dark:text-blue-300" href="/instances">
          All instances
        </Link>
      </p>
    </div>
  );
}
