'use client';

import { Banner } from '@cc-bridge/ui';
import { useQuery } from '@tanstack/react-query';
import { errorSentence } from '@/lib/error-messages';
import { dockerHealthQuery } from '@/lib/queries';

/** One banner when Docker is enabled but its Engine does not answer; tmux instances work regardless. */
export function DockerBanner() {
  const { data: health } = useQuery(dockerHealthQuery());
  if (!health?.enabled || health.reachable) return null;
  // A host setting that cannot be used is not an outage: nothing changes until it is fixed.
  const isMisconfigured = health.error?.code === 'CONFIG_INVALID';
  return (
    <Banner variant="warning" title={isMisconfigured ? 'The Docker host setting cannot be used' : 'The Docker Engine is not reachable'}>
      tmux instances work as usual; Docker instances show “unknown” until {isMisconfigured ? 'the setting is fixed' : 'the Engine answers'}.
      {health.error ? <span className="mt-1 block text-xs opacity-80">{errorSentence(health.error)}</span> : null}
    </Banner>
  );
}
