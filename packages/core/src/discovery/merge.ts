import { instanceName, type InstanceStatus, type InstanceType } from '../instance.ts';
import { shortContainerId } from '../instance.ts';
import { statusFromContainerState, type ContainerInfo } from '../runtimes/runtime.ts';

/** What the merge needs of a record already in the registry. */
export interface RegistryEntry {
  id: string;
  name: string;
  type: InstanceType;
  status: InstanceStatus;
  containerId: string | null;
  containerName: string | null;
  imageName: string | null;
  dockerNetwork: string | null;
}

export interface Candidate {
  container: ContainerInfo;
  /** From the label's value, or the container name when the value is empty or there is no label. */
  wantedName: string;
}

export interface PlannedCreate {
  name: string;
  container: ContainerInfo;
  status: InstanceStatus;
  /** Set when the wanted name was held and another was assigned. */
  conflict: { wanted: string; heldBy: InstanceType | null } | null;
}

export interface PlannedUpdate {
  entry: RegistryEntry;
  container: ContainerInfo;
  /** Fields that change besides status (container id, name, image, network). */
  fields: Partial<Pick<RegistryEntry, 'containerId' | 'containerName' | 'imageName' | 'dockerNetwork'>>;
  status: InstanceStatus;
}

export interface MergePlan {
  creates: PlannedCreate[];
  updates: PlannedUpdate[];
  /** Docker records whose container no longer exists and that are not stopped yet. */
  markStopped: RegistryEntry[];
  /** Ids of every Docker record whose container the Engine listed: their lastSeenAt moves. */
  seen: string[];
}

/**
 * A container name made into a valid instance name: characters outside the allowed set become
 * "-", a leading non-letter gets a "c" in front, and the result is cut to 64 characters.
 */
export function nameFromContainer(raw: string): string {
  let name = raw.replace(/[^a-zA-Z0-9_-]/g, '-');
  if (!/^[a-zA-Z]/.test(name)) name = `c${name}`;
  return name.slice(0, 64);
}

function isValidName(name: string): boolean {
  return instanceName.safeParse(name).success;
}

interface EntryIndex {
  byId: Map<string, RegistryEntry>;
  byName: Map<string, RegistryEntry>;
  shortIds: RegistryEntry[];
}

function indexEntries(entries: RegistryEntry[]): EntryIndex {
  const index: EntryIndex = { byId: new Map(), byName: new Map(), shortIds: [] };
  for (const entry of entries) {
    if (entry.type !== 'docker') continue;
    if (entry.containerId?.length === 64) index.byId.set(entry.containerId, entry);
    else if (entry.containerId) index.shortIds.push(entry);
    if (entry.containerName && !index.byName.has(entry.containerName)) index.byName.set(entry.containerName, entry);
  }
  return index;
}

/** A container's record matches by container id (a stored short id is a prefix), then by name. */
function findEntry(index: EntryIndex, container: ContainerInfo): RegistryEntry | undefined {
  return (
    index.byId.get(container.id) ??
    index.shortIds.find((entry) => entry.containerId !== null && container.id.startsWith(entry.containerId)) ??
    index.byName.get(container.name)
  );
}

/**
 * Plans how discovered containers merge into the registry. Pure: the caller applies the plan in
 * one transaction. `allContainers` is everything the Engine listed (not only the candidates), so
 * a record whose container still exists is never marked stopped.
 */
export function planMerge(entries: RegistryEntry[], candidates: Candidate[], allContainers: ContainerInfo[]): MergePlan {
  const plan: MergePlan = { creates: [], updates: [], markStopped: [], seen: [] };
  // Keyed in lower case: names are unique regardless of case, so "alpha" holds "Alpha".
  const heldBy = new Map<string, InstanceType>(entries.map((entry) => [entry.name.toLowerCase(), entry.type]));
  const handled = new Set<string>();
  const index = indexEntries(entries);

  for (const container of allContainers) {
    const entry = findEntry(index, container);
    if (!entry) continue;
    handled.add(entry.id);
    plan.seen.push(entry.id);
    const fields: PlannedUpdate['fields'] = {};
    if (entry.containerId !== container.id) fields.containerId = container.id;
    if (entry.containerName !== container.name) fields.containerName = container.name;
    if (entry.imageName !== container.image) fields.imageName = container.image;
    const network = container.networks[0] ?? null;
    if (network !== null && entry.dockerNetwork !== network) fields.dockerNetwork = network;
    const status = statusFromContainerState(container.state);
    if (Object.keys(fields).length > 0 || status !== entry.status) {
      plan.updates.push({ entry, container, fields, status });
    }
  }

  for (const candidate of candidates) {
    if (findEntry(index, candidate.container)) continue;
    const wanted = nameFromContainer(candidate.wantedName);
    const name = assignName(wanted, candidate.container, heldBy);
    const holder = heldBy.get(wanted.toLowerCase());
    plan.creates.push({
      name,
      container: candidate.container,
      status: statusFromContainerState(candidate.container.state),
      conflict: name === wanted ? null : { wanted, heldBy: holder ?? null },
    });
    heldBy.set(name.toLowerCase(), 'docker');
  }

  for (const entry of entries) {
    if (entry.type === 'docker' && !handled.has(entry.id) && entry.status !== 'stopped') plan.markStopped.push(entry);
  }
  return plan;
}

/**
 * The wanted name if free and valid; else NAME-docker; else the 12-character container id (with a
 * "c" in front when it starts with a digit, since a name starts with a letter); else that id with
 * a counter.
 */
function assignName(wanted: string, container: ContainerInfo, heldBy: Map<string, InstanceType>): string {
  const isFree = (name: string) => isValidName(name) && !heldBy.has(name.toLowerCase());
  if (isFree(wanted)) return wanted;
  const suffixed = `${wanted.slice(0, 57)}-docker`;
  if (isFree(suffixed)) return suffixed;
  const byId = nameFromContainer(shortContainerId(container.id));
  if (isFree(byId)) return byId;
  for (let counter = 2; ; counter++) {
    const numbered = `${byId}-${counter}`;
    if (isFree(numbered)) return numbered;
  }
}
