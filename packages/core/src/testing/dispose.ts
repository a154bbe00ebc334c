/** Something a test opened and must close: a tmux server, a bridge, a database. */
export interface TestResource {
  dispose(): Promise<void>;
}

/**
 * Disposes each resource in order, skipping the unset ones, for afterAll/afterEach hooks: a
 * beforeAll that failed half-way leaves the later `let` variables undefined at run time, whatever
 * their declared type. The first failure stops the rest and is thrown.
 */
export async function disposeAll(...resources: (TestResource | undefined)[]): Promise<void> {
  for (const resource of resources) await resource?.dispose();
}
