import { relayEngine } from '@cc-bridge/core/testing';
import { killContainer, runLabelledContainer } from './support/docker';
import { engineRelayPort, relayedBaseURL, relayedContainerLabel, storageStates } from './support/env';
import { expect, openInstances, rowOf, test } from './support/fixtures';

// This server reaches the Engine only through a relay on a loopback port that the test opens and
// cuts (every connection dropped, the port closed), as an Engine going away and coming back.
test.use({ baseURL: relayedBaseURL, storageState: storageStates.relayed });

test('the Engine behind a relay goes away: the page says reconnecting and Docker rows read unknown; back, every row is right and nothing is lost', async ({ page, request, uid }) => {
  const prefix = `relayed-${uid}`;
  const [kept, stoppedBefore, stoppedMeanwhile, startedMeanwhile] = ['kept', 'idle', 'stops', 'new'].map((part) => `${prefix}-${part}`) as [string, string, string, string];
  let relay = await relayEngine(engineRelayPort);
  try {
    await runLabelledContainer(`e2e-${kept}`, kept, relayedContainerLabel);
    const idle = await runLabelledContainer(`e2e-${stoppedBefore}`, stoppedBefore, relayedContainerLabel);
    await killContainer(idle.id);
    const stops = await runLabelledContainer(`e2e-${stoppedMeanwhile}`, stoppedMeanwhile, relayedContainerLabel);

    // The page starts the server's live follower, whose first refresh discovers the containers.
    await openInstances(page, `?search=${prefix}`);
    const indicator = page.getByRole('status', { name: 'Live updates' });
    const outage = page.getByRole('alert').filter({ hasText: 'The Docker Engine is not reachable: reconnecting' });
    await expect(indicator).toHaveText('live');
    await expect(rowOf(page, kept)).toContainText('running');
    await expect(rowOf(page, stoppedBefore)).toContainText('stopped');
    await expect(rowOf(page, stoppedMeanwhile)).toContainText('running');
    await expect(outage).toHaveCount(0);

    await relay.close();
    // The Engine's outage is said once, on the page; its rows cannot be known meanwhile. The
    // page's own push connection is fine, so the indicator stays `live`.
    await expect(outage).toHaveCount(1);
    for (const name of [kept, stoppedBefore, stoppedMeanwhile]) await expect(rowOf(page, name)).toContainText('unknown');
    await expect(indicator).toHaveText('live');

    // What happens while nobody can see it…
    await killContainer(stops.id);
    await runLabelledContainer(`e2e-${startedMeanwhile}`, startedMeanwhile, relayedContainerLabel);
    relay = await relayEngine(engineRelayPort);

    // …is on the page once the Engine answers again (the follower reconnects within ~2 s and
    // refreshes everything), without a reload or a button.
    await expect(outage).toHaveCount(0, { timeout: 15_000 });
    await expect(rowOf(page, kept)).toContainText('running');
    await expect(rowOf(page, stoppedBefore)).toContainText('stopped');
    await expect(rowOf(page, stoppedMeanwhile)).toContainText('stopped');
    await expect(rowOf(page, startedMeanwhile)).toContainText('running');
    await expect(page.getByText('4 of')).toBeVisible();

    // Nothing lost: each record keeps its history, and the outage wrote no status change per record.
    for (const name of [kept, stoppedBefore, stoppedMeanwhile]) {
      const detail = (await (await request.get(`/api/instances/${name}`)).json()) as { events: { kind: string; to: unknown }[] };
      expect(detail.events.map((event) => event.kind)).toContain('discovered');
      expect(detail.events.filter((event) => event.kind === 'status_changed' && event.to === 'unknown'), name).toEqual([]);
    }
  } finally {
    await relay.close();
  }
});
