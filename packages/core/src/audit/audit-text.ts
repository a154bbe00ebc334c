// How an audit entry's changes read, for the CLI's table and the dashboard's (no imports: the
// browser loads this through the `@cc-bridge/core/audit-text` entry point).

/** A value in an audit line: text as is, none as `-`, anything else as JSON. */
export function auditValueText(value: unknown): string {
  if (value === null || value === undefined) return '-';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * One line per field an entry changed (`cwd: /a → /b`); with none, one per detail
 * (`chars=12`); nothing when it has neither.
 */
export function auditChangeLines(entry: { changes: Record<string, { before: unknown; after: unknown }> | null; detail: Record<string, unknown> | null }): string[] {
  if (entry.changes && Object.keys(entry.changes).length > 0) {
    return Object.entries(entry.changes).map(([field, { before, after }]) => `${field}: ${auditValueText(before)} → ${auditValueText(after)}`);
  }
  return Object.entries(entry.detail ?? {}).map(([field, value]) => `${field}=${auditValueText(value)}`);
}
