import type { AuditEntry } from '@cc-bridge/core';
import { auditChangeLines } from '@cc-bridge/core/audit-text';
import { RelativeTime } from '@cc-bridge/ui';
import Link from 'next/link';

/** An audit entry as it arrives: from the server page as is, from the API as JSON (dates as text). */
export type AuditRow = Omit<AuditEntry, 'at'> & { at: Date | string };

/**
 * Audit entries as a table, in the order given (newest first): when, who, from where, what, on
 * which target, and the before/after of each field changed. `label` names the table for
 * assistive technology; `showTarget` false on an instance's own page.
 */
export function AuditTable({ entries, label, showTarget = true }: { entries: readonly AuditRow[]; label: string; showTarget?: boolean }) {
  if (entries.length === 0) return <p className="text-sm text-zinc-600 dark:text-zinc-400">No audit entries.</p>;
  const cell = 'px-3 py-2 align-top';
  return (
    <div className="overflow-x-auto">
      <table aria-label={label} className="w-full text-left text-sm">
        <thead className="border-b border-zinc-200 text-xs text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
          <tr>
            <th scope="col" className={cell}>When</th>
            <th scope="col" className={cell}>Actor</th>
            <th scope="col" className={cell}>Origin</th>
            <th scope="col" className={cell}>Action</th>
            {showTarget ? <th scope="col" className={cell}>Target</th> : null}
            <th scope="col" className={cell}>Changes</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {entries.map((entry) => {
            const lines = auditChangeLines(entry);
            return (
              <tr key={entry.id}>
                <td className={`${cell} whitespace-nowrap`}>
                  <RelativeTime date={entry.at} />
                </td>
                <td className={`${cell} font-mono text-xs`}>{entry.actor}</td>
                <td className={`${cell} font-mono text-xs`}>{entry.origin ?? '—'}</td>
                <td className={`${cell} whitespace-nowrap`}>{entry.action}</td>
                {showTarget ? (
                  <td className={cell}>
                    {entry.instanceId ? (
                      <Link href={`/instances/${encodeURIComponent(entry.target)}`} className="text-blue-700 underline-offset-2 hover:underline dark:text-blue-400">
                        {entry.target}
                      </Link>
                    ) : (
                      entry.target
                    )}
                  </td>
                ) : null}
                <td className={`${cell} font-mono text-xs break-all`}>
                  {lines.length === 0 ? '—' : (
                    <ul>
                      {lines.map((line) => (
                        <li key={line}>{line}</li>
                      ))}
                    </ul>
                  )}
                  {entry.message ? <p className="mt-1 font-sans break-normal text-zinc-600 dark:text-zinc-400">{entry.message}</p> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
