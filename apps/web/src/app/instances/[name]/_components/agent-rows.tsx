import { ActivityBadge, RelativeTime, formatTimestamp } from '@cc-bridge/ui';
import type { ReactNode } from 'react';
import { agentDetailRows, type Instance, type TokenUsage } from '@/lib/core-schemas';
import { tokenCount } from '../../_components/fleet-summary';

/**
 * The detail page's lines about the agent (core's `agentDetailRows`, as `show` prints them):
 * activity as its badge, since when, what it waits on, Claude's session and transcript, tokens.
 * A null value is left for the page to show as a dash.
 */
export function agentRows(instance: Instance, tokens: TokenUsage | null): Array<[string, ReactNode]> {
  return agentDetailRows(instance, tokens).map(({ label, value, isCode }, index): [string, ReactNode] => {
    if (index === 0) return [label, <ActivityBadge key={label} activity={instance.activity} reason={instance.activityReason} />];
    if (value instanceof Date) {
      return [
        label,
        <span key={label}>
          <RelativeTime date={value} /> <span className="text-zinc-500 dark:text-zinc-400">({formatTimestamp(value)})</span>
        </span>,
      ];
    }
    if (typeof value === 'number') return [label, <span key={label} className="tabular-nums">{tokenCount.format(value)}</span>];
    if (isCode && value !== null) return [label, <code key={label} className="font-mono text-xs break-all">{value}</code>];
    return [label, value];
  });
}
