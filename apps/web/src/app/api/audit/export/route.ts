import { Readable } from 'node:stream';
import { maxAuditPage, serializeError, type AuditEntry, type AuditPage } from '@cc-bridge/core';
import { stringify } from 'csv-stringify';
import { loadAuditParams, toAuditQuery } from '@/lib/audit-params';
import { errorResponse } from '@/lib/api-response';
import { withRole } from '@/lib/auth/route-guard';
import { getBridge } from '@/lib/bridge';

const columns = ['id', 'at', 'actor', 'origin', 'action', 'target', 'instanceId', 'changes', 'detail', 'message'] as const;

/** One CSV record: dates as ISO text, changes and detail as JSON. */
function csvRecord(entry: AuditEntry): string[] {
  const json = (value: unknown) => (value === null ? '' : JSON.stringify(value));
  return [String(entry.id), entry.at.toISOString(), entry.actor, entry.origin ?? '', entry.action, entry.target, entry.instanceId ?? '', json(entry.changes), json(entry.detail), entry.message ?? ''];
}

/**
 * GET /api/audit/export — every entry the /audit filters in the query string match (not just one
 * page), newest first, as CSV (RFC 4180 quoting by csv-stringify), read from core a page of
 * `maxAuditPage` at a time and streamed. Needs a viewer's session or token, as /audit does.
 */
export const GET = withRole('viewer', async (request) => {
  const params = loadAuditParams(request.url);
  const query = toAuditQuery({ ...params, before: null }, new Date());
  const read = async (before: number | undefined): Promise<AuditPage> =>
    (await getBridge()).manager.listAudit({ ...query, ...(before ? { before } : {}), limit: maxAuditPage });
  // The first page is read before answering, so a failure to read is an error status, not a cut-off file.
  let first: AuditPage;
  try {
    first = await read(undefined);
  } catch (error) {
    return errorResponse(serializeError(error));
  }
  const csv = stringify({ header: true, columns: [...columns] });
  void (async () => {
    try {
      let page: AuditPage | null = first;
      while (page) {
        for (const entry of page.items) {
          if (!csv.write(csvRecord(entry))) await new Promise((resolve) => csv.once('drain', resolve));
        }
        page = page.nextCursor === null ? null : await read(page.nextCursor);
      }
      csv.end();
    } catch (error) {
      csv.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();
  return new Response(Readable.toWeb(csv) as ReadableStream<Uint8Array>, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="cc-bridge-audit.csv"',
      'Cache-Control': 'no-store',
    },
  });
});
