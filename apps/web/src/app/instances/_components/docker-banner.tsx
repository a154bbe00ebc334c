'use client';

import { Banner } from '@cc-bridge/ui';
import { useQuery } from '@tanstack/react-query';
import { errorSentence } from '@/lib/error-messages';
import { useLiveState } from '@/lib/live-updates';
import { dockerHealthPollMs, dockerHealthQuery } from '@/lib/queries';

/**
 * One banner when Docker is enabled but an Engine does not answer; tmux instances (and the
 * other Docker hosts' instances) work regardless. With several `[[docker.hosts]]` it names the
 * hosts that do not answer.
 */
export function DockerBanner() {
  // While the push is connected an outage and its end arrive as changes (they reload this
  // query): polling the Engine besides cost an idle server a ping per open page every 10 s.
  const isLive = useLiveState() === 'live';
  const { data: health } = useQuery({ ...dockerHealthQuery(), refetchInterval: isLive ? false : dockerHealthPollMs });
  if (!health?.enabled || health.reachable) return null;
  // A host setting that cannot be used is not an outage: nothing changes until it is fixed.
  const isMisconfigured = health.error?.code === 'CONFIG_INVALID';
  const { hosts } = health;
  const down = hosts.length > 1 ? hosts.filter((host) => !host.reachable).map((host) => `“${host.name}”`) : [];
  const engine = down.length === 0 ? 'The Docker Engine is' : `The Docker ${down.length === 1 ? 'host' : 'hosts'} ${down.join(', ')} ${down.length === 1 ? 'is' : 'are'}`;
  const onHosts = down.length === 0 ? '' : ` on ${down.join(', ')}`;
  return (
    // "reconnecting": the server keeps asking (its live follower with backoff while a page
    // listens; this banner polls only while the push is down); rows follow by themselves once
    // the Engine answers.
    <Banner variant="warning" title={isMisconfigured ? 'The Docker host setting cannot be used' : `${engine} not reachable: reconnecting`}>
      tmux instances work as usual; Docker instances{onHosts} show “unknown” until {isMisconfigured ? 'the setting is fixed' : 'the Engine answers'}.
      {health.error ? <span className="mt-1 block text-xs opacity-80">{errorSentence(health.error)}</span> : null}
    </Banner>
  );
}
