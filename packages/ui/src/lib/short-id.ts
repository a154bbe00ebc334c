/**
 * The 12-character form `docker ps` prints. Core has the same one-liner, but the UI must not
 * import core at run time.
 */
export function shortContainerId(id: string): string {
  return id.slice(0, 12);
}
