'use client';

import { Banner } from '@cc-bridge/ui';
import { useQuery } from '@tanstack/react-query';
import { errorSentence } from '@/lib/error-messages';
import { dockerHealthQuery } from '@/lib/queries';

/** One banner when Docker is enabled but its Engine does not answer; tmux instances work regardless. */
export function DockerBanner() {
  const { data: health } = useQuery(dockerHealthQuery());
  if (!health?.enabled || health.reachable) return null;
  return (
    <Banner variant="warning" title="The Docker Engine is not reachable">
      tmux instances work as usual; Docker instances show “unknown” until the Engine answers.
      {health.error ? <span className="mt-1 block text-xs opacity-80">{errorSentence(health.error)}</span> : null}
    </Banner>
  );
}
