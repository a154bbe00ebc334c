import type { DiscoveryReport, RefreshReport, RemovalReport } from '@cc-bridge/core';
import type { BulkDeleteReport, BulkFailure, BulkRefreshReport } from './bulk-results';
import { errorSentence } from './error-messages';

// How each page-wide action's report reads in a toast: counts first, names when there are few.

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

function someNames(names: readonly string[], limit = 5): string {
  if (names.length <= limit) return names.join(', ');
  return `${names.slice(0, limit).join(', ')} and ${names.length - limit} more`;
}

export interface ReportText {
  title: string;
  description?: string;
}

export function describeDiscovery(report: DiscoveryReport): ReportText {
  const parts = [
    `added ${report.added.length}`,
    `updated ${report.updated.length}`,
    `marked ${report.markedStopped.length} stopped`,
  ];
  if (report.conflicts.length > 0) parts.push(`renamed ${report.conflicts.length} on a name clash`);
  const details: string[] = [];
  if (report.added.length > 0) details.push(`Added: ${someNames(report.added)}.`);
  if (report.markedStopped.length > 0) details.push(`Stopped: ${someNames(report.markedStopped)}.`);
  for (const conflict of report.conflicts.slice(0, 3)) {
    details.push(`${conflict.containerName} became ${conflict.assigned} (${conflict.wanted} is a ${conflict.heldBy} instance).`);
  }
  if (report.errors.length > 0) details.push(`${plural(report.errors.length, 'error')}: ${report.errors[0]?.message ?? ''}`);
  return {
    title: `Discovery found ${plural(report.found, 'container')}: ${parts.join(', ')}`,
    ...(details.length > 0 ? { description: details.join(' ') } : {}),
  };
}

export function describeRefresh(report: RefreshReport): ReportText {
  const changes = report.changed.slice(0, 5).map((change) => `${change.name}: ${change.from} → ${change.to}`);
  if (report.changed.length > 5) changes.push(`and ${report.changed.length - 5} more`);
  const errors = report.errors.length > 0 ? ` ${plural(report.errors.length, 'check')} failed: ${report.errors[0]?.message ?? ''}` : '';
  return {
    title: `Checked ${plural(report.checked, 'instance')}: ${report.changed.length === 0 ? 'no status changed' : `${plural(report.changed.length, 'status', 'statuses')} changed`}`,
    ...(changes.length > 0 || errors ? { description: `${changes.join('; ')}${errors}`.trim() } : {}),
  };
}

export function describeRemoval(report: RemovalReport, what: string): ReportText {
  const names = report.removed.map((instance) => instance.name);
  if (names.length === 0) return { title: `Nothing to remove: no ${what} instances` };
  return {
    title: `${report.dryRun ? 'Would remove' : 'Removed'} ${plural(names.length, `${what} instance`)}`,
    description: someNames(names),
  };
}

function failureText(failed: readonly BulkFailure[], limit = 3): string {
  const listed = failed.slice(0, limit).map(({ name, error }) => `${name}: ${errorSentence(error)}`);
  if (failed.length > limit) listed.push(`and ${failed.length - limit} more`);
  return listed.join('; ');
}

export function describeBulkDelete(report: BulkDeleteReport): ReportText {
  const deleted = `Deleted ${plural(report.deleted.length, 'instance')}`;
  if (report.failed.length === 0) return { title: deleted, description: someNames(report.deleted) };
  return { title: `${deleted}; ${report.failed.length} failed`, description: failureText(report.failed) };
}

export function describeBulkRefresh(report: BulkRefreshReport): ReportText {
  const checked = report.checked.length + report.failed.length;
  const changes = report.changed.slice(0, 5).map((change) => `${change.name}: ${change.from} → ${change.to}`);
  if (report.changed.length > 5) changes.push(`and ${report.changed.length - 5} more`);
  const failures = report.failed.length > 0 ? `${report.failed.length} failed: ${failureText(report.failed)}` : '';
  const description = [changes.join('; '), failures].filter(Boolean).join('. ');
  return {
    title: `Checked ${plural(checked, 'instance')}: ${report.changed.length === 0 ? 'no status changed' : `${plural(report.changed.length, 'status', 'statuses')} changed`}`,
    ...(description ? { description } : {}),
  };
}
