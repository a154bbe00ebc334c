import Link from 'next/link';

/** A link to an instance that does not exist (deleted, renamed, or mistyped). */
export default function InstanceNotFound() {
  return (
    <div className="mx-auto max-w-xl space-y-3 py-16 text-center">
      <h1 className="text-2xl font-semibold">No such instance</h1>
      <p className="text-neutral-600 dark:text-neutral-400">
        It may have been deleted or renamed. Its history stays with the name it had last.
      </p>
      <p>
        <Link className="text-blue-700 underline underline-offset-2 focus-visible:outline-2 dark:text-blue-300" href="/instances">
          Back to all instances
        </Link>
      </p>
    </div>
  );
}
