'use client';

import { Banner } from '@cc-bridge/ui';
import { useQuery } from '@tanstack/react-query';
import { tokenKinds } from '@/lib/core-schemas';
import { useLiveState } from '@/lib/live-updates';
import { fleetPollMs, fleetSummaryQuery } from '@/lib/queries';

/** Token counts grouped by thousands, the same on the server and in every browser. */
export const tokenCount = new Intl.NumberFormat('en-US');

/**
 * Above the table: a notice when cc-bridge's hooks are not in the user settings of the server's
 * HOME (activity then comes from the screen alone), and the fleet's token use.
 */
export function FleetSummary() {
  // Without the push no change would tell it that an agent turned busy.
  const isLive = useLiveState() === 'live';
  const { data } = useQuery({ ...fleetSummaryQuery(), ...(isLive ? {} : { refetchInterval: fleetPollMs }) });
  if (!data) return null;
  return (
    <>
      {data.hooks.installed ? null : (
        <Banner variant="info" title="Claude Code's hooks are not installed">
          Activity (busy, waiting, idle) is read from each agent&apos;s screen only. Run{' '}
          <code className="font-mono">cc-bridge hooks install</code> on this host to have Claude Code report it (
          <code className="font-mono text-xs break-all">{data.hooks.file}</code>).
        </Banner>
      )}
      <section aria-label="Token use" className="flex flex-wrap items-baseline gap-x-6 gap-y-1 text-sm text-zinc-700 dark:text-zinc-300">
        <h2 className="font-medium text-zinc-900 dark:text-zinc-100">
          Token use <span className="font-normal text-zinc-500 dark:text-zinc-400">({data.transcripts === 1 ? '1 transcript' : `${data.transcripts} transcripts`})</span>
        </h2>
        <dl className="flex flex-wrap gap-x-6 gap-y-1">
          {tokenKinds.map(({ key, label }) => (
            <div key={key} className="flex gap-1.5">
              <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
              <dd className="font-medium tabular-nums">{tokenCount.format(data.tokens[key])}</dd>
            </div>
          ))}
        </dl>
      </section>
    </>
  );
}
