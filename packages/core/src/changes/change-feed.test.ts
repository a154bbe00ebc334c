import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.ts';
import { ChangeFeed, type ListenConnection } from './change-feed.ts';
import type { Change } from './payload.ts';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A connection whose server the test plays: it can notify, drop, or refuse to connect. */
class FakeConnection extends EventEmitter implements ListenConnection {
  queries: string[] = [];
  isEnded = false;
  constructor(private readonly refuse: boolean) {
    super();
  }
  connect(): Promise<void> {
    return this.refuse ? Promise.reject(new Error('ECONNREFUSED')) : Promise.resolve();
  }
  query(sql: string): Promise<void> {
    this.queries.push(sql);
    return Promise.resolve();
  }
  end(): Promise<void> {
    this.isEnded = true;
    return Promise.resolve();
  }
  notify(payload: string, channel = 'cc_bridge_changes') {
    this.emit('notification', { channel, payload });
  }
  drop() {
    this.emit('error', new Error('read ECONNRESET'));
  }
}

function fakeFeed(refusals = 0) {
  const connections: FakeConnection[] = [];
  const feed = new ChangeFeed({
    newConnection: () => {
      const connection = new FakeConnection(connections.length < refusals);
      connections.push(connection);
      return connection;
    },
    logger: silentLogger,
    minBackoffMs: 5,
    maxBackoffMs: 20,
  });
  return { feed, connections };
}

/** Reads a watch() into an array as it goes; `next(n)` waits until n items came. */
function collect(iterable: AsyncIterable<Change>) {
  const items: Change[] = [];
  const done = (async () => {
    for await (const change of iterable) items.push(change);
  })();
  const next = async (count: number) => {
    const deadline = Date.now() + 2_000;
    while (items.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${items.length} of ${count} changes came: ${JSON.stringify(items)}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return items;
  };
  return { items, done, next };
}

describe('ChangeFeed', () => {
  it('gives every watcher "connected" first, then each notification, from one LISTEN connection', async () => {
    const { feed, connections } = fakeFeed();
    const stop = new AbortController();
    const watchers = Array.from({ length: 5 }, () => collect(feed.watch({ signal: stop.signal })));
    for (const watcher of watchers) await watcher.next(1);
    expect(connections).toHaveLength(1);
    expect(connections[0]?.queries).toEqual(['LISTEN cc_bridge_changes']);
    expect(feed.watchers).toBe(5);

    connections[0]?.notify(`{"ids":["${id(1)}"]}`);
    connections[0]?.notify('{"ids":[]}', 'another_channel');
    for (const watcher of watchers) {
      expect(await watcher.next(2)).toEqual([{ all: true, reason: 'connected' }, { all: false, ids: [id(1)], deleted: [] }]);
    }
    stop.abort();
    await Promise.all(watchers.map((watcher) => watcher.done));
    await feed.close();
  });

  it('connects again with backoff when the connection drops, and tells every watcher to reload', async () => {
    const { feed, connections } = fakeFeed();
    const stop = new AbortController();
    const watcher = collect(feed.watch({ signal: stop.signal }));
    await watcher.next(1);
    connections[0]?.drop();
    await watcher.next(2);
    expect(watcher.items[1]).toEqual({ all: true, reason: 'reconnected' });
    expect(connections).toHaveLength(2);
    expect(connections[0]?.isEnded).toBe(true);
    connections[1]?.notify(`{"deleted":["${id(2)}"]}`);
    expect((await watcher.next(3))[2]).toEqual({ all: false, ids: [], deleted: [id(2)] });
    stop.abort();
    await watcher.done;
    await feed.close();
  });

  it('keeps trying while the database refuses, and watchers hear "connected" once it answers', async () => {
    const { feed, connections } = fakeFeed(3);
    const stop = new AbortController();
    const watcher = collect(feed.watch({ signal: stop.signal }));
    expect(await watcher.next(1)).toEqual([{ all: true, reason: 'connected' }]);
    expect(connections).toHaveLength(4);
    stop.abort();
    await watcher.done;
    await feed.close();
  });

  it('ends an iteration when its signal aborts, and closes the connection when nobody watches any more', async () => {
    const { feed, connections } = fakeFeed();
    const first = new AbortController();
    const second = new AbortController();
    const one = collect(feed.watch({ signal: first.signal }));
    const two = collect(feed.watch({ signal: second.signal }));
    await one.next(1);
    await two.next(1);
    const counts: number[] = [];
    feed.onWatchers((count) => counts.push(count));

    first.abort();
    await one.done;
    expect(connections[0]?.isEnded).toBe(false);
    second.abort();
    await two.done;
    await expect.poll(() => connections[0]?.isEnded).toBe(true);
    expect(counts).toEqual([1, 0]);

    // Watching again opens a new connection and says "connected" again.
    const again = new AbortController();
    const three = collect(feed.watch({ signal: again.signal }));
    expect(await three.next(1)).toEqual([{ all: true, reason: 'connected' }]);
    expect(connections).toHaveLength(2);
    again.abort();
    await three.done;
    await feed.close();
  });

  it('ends every watcher on close, and watches nothing after it', async () => {
    const { feed, connections } = fakeFeed();
    const watcher = collect(feed.watch());
    await watcher.next(1);
    await feed.close();
    await watcher.done;
    expect(connections[0]?.isEnded).toBe(true);
    const late = collect(feed.watch());
    await late.done;
    expect(late.items).toEqual([]);
  });

  it('folds what a slow watcher has not read into one change', async () => {
    const { feed, connections } = fakeFeed();
    const iterator = feed.watch()[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({ all: true, reason: 'connected' });
    connections[0]?.notify(`{"ids":["${id(1)}"]}`);
    connections[0]?.notify(`{"ids":["${id(2)}"]}`);
    connections[0]?.notify(`{"deleted":["${id(1)}"]}`);
    expect((await iterator.next()).value).toEqual({ all: false, ids: [id(2)], deleted: [id(1)] });
    await iterator.return(undefined);
    await feed.close();
  });
});
