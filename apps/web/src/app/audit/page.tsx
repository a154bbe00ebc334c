import { auditActions } from '@cc-bridge/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import type { SearchParams } from 'nuqs/server';
import { auditPageSize, loadAuditParams, serializeAuditParams, toAuditQuery } from '@/lib/audit-params';
import { getBridge } from '@/lib/bridge';
import { AuditFilters } from './_components/audit-filters';
import { AuditTable } from './_components/audit-table';

export const metadata: Metadata = { title: 'Audit log' };

const linkClass = 'rounded text-sm text-blue-700 underline-offset-2 hover:underline focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none dark:text-blue-400';

/** /audit: who changed what, newest first, filtered by the URL; older entries a page at a time. */
export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await loadAuditParams(searchParams);
  const { manager } = await getBridge();
  const page = await manager.listAudit({ ...toAuditQuery(params, new Date()), limit: auditPageSize });
  const exportHref = serializeAuditParams('/api/audit/export', { ...params, before: null });
  return (
    <div className="flex flex-col gap-4">
      <div className="flex items-center gap-4">
        <h1 className="text-xl font-semibold">Audit log</h1>
        <a href={exportHref} download className={`ml-auto ${linkClass}`}>
          Export CSV
        </a>
      </div>
      <AuditFilters actions={auditActions} />
      <section aria-label="Audit entries" className="rounded-lg border border-zinc-200 bg-white p-2 dark:border-zinc-800 dark:bg-zinc-900">
        <AuditTable entries={page.items} label="Audit log" />
      </section>
      <nav aria-label="Audit pages" className="flex gap-4">
        {params.before !== null ? (
          <Link href={serializeAuditParams('/audit', { ...params, before: null })} className={linkClass}>
            Newest entries
          </Link>
        ) : null}
        {page.nextCursor !== null ? (
          <Link href={serializeAuditParams('/audit', { ...params, before: page.nextCursor })} className={linkClass}>
            Older entries
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
