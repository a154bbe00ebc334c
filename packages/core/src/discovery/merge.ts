import { dockerObservedFields, instanceName, type DockerObservation, type FieldsOfType, type Instance, type InstanceStatus, type InstanceType } from '../instance.ts';
import { shortContainerId } from '../instance.ts';
import { belongsToOtherEngine, observeDockerContainer, statusFromContainerState, type ContainerInfo, type DockerEngine } from '../runtimes/runtime.ts';

/** What the merge needs of a record already in the registry. */
export type RegistryEntry = Pick<Instance, 'id' | 'name' | 'type' | 'status' | FieldsOfType<'docker'>>;

export interface Candidate {
  container: ContainerInfo;
  /** From the label's value, or the container name when the value is empty or there is no label. */
  wantedName: string;
  /** The label's value as the container carries it, when the wanted name comes from it; else null. */
  label: string | null;
}

export interface PlannedCreate {
  name: string;
  container: ContainerInfo;
  status: InstanceStatus;
  observed: DockerObservation;
  /** Set when the wanted name was held and another was assigned. */
  conflict: { wanted: string; heldBy: InstanceType | null } | null;
  /** The label's value, when it was not a valid name as it stands and was made into one. */
  invalidLabel: string | null;
}

export interface PlannedUpdate {
  entry: RegistryEntry;
  container: ContainerInfo;
  /** Fields that change besides status (container id, name, image, network). */
  fields: Partial<Pick<RegistryEntry, 'containerId' | 'containerName' | 'imageName' | 'dockerNetwork'>>;
  status: InstanceStatus;
  /** The Engine's view of the container and which Engine it is: written whole, not bumping the version. */
  observed: DockerObservation;
}

export interface MergePlan {
  creates: PlannedCreate[];
  updates: PlannedUpdate[];
  /**
   * Docker records of this Engine (or of none yet) whose container no longer exists and that do
   * not say so yet: not stopped, or still holding the container's last state.
   */
  markStopped: RegistryEntry[];
  /** Docker records another Engine has claimed whose container this one does not have: left as they are. */
  otherEngine: RegistryEntry[];
  /** Ids of every Docker record whose container the Engine listed: their lastSeenAt moves. */
  seen: string[];
}

/** What a record keeps of a container that no longer exists: nothing of its state; its Engine stays. */
export const goneContainerObservation = { runtimeState: null, runtimeHealth: null, exitCode: null, oomKilled: null } as const;

function hasNewObservation(entry: DockerObservation, observed: DockerObservation): boolean {
  return dockerObservedFields.some((field) => entry[field] !== observed[field]);
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

/**
 * Container ids are unique across Engines, so a record matches its container by id whichever
 * Engine claimed it; names are not, so only records of this Engine (or of none yet) match by name.
 */
function indexEntries(entries: RegistryEntry[], engine: DockerEngine): EntryIndex {
  const index: EntryIndex = { byId: new Map(), byName: new Map(), shortIds: [] };
  for (const entry of entries) {
    if (entry.type !== 'docker') continue;
    if (entry.containerId?.length === 64) index.byId.set(entry.containerId, entry);
    else if (entry.containerId) index.shortIds.push(entry);
    if (entry.containerName && !belongsToOtherEngine(entry, engine) && !index.byName.has(entry.containerName)) {
      index.byName.set(entry.containerName, entry);
    }
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
 * one transaction. `allContainers` is everything `engine` listed (not only the candidates), so
 * a record whose container still exists is never marked stopped, and a record another Engine
 * claimed is never marked stopped because this one does not have its container. `isOfHost`:
 * which Docker records belong to the host `engine` serves (`[[docker.hosts]]`); the others are
 * left alone and only hold their names (default: every record).
 */
export function planMerge(
  allEntries: RegistryEntry[],
  candidates: Candidate[],
  allContainers: ContainerInfo[],
  engine: DockerEngine,
  isOfHost: (entry: RegistryEntry) => boolean = () => true,
): MergePlan {
  const plan: MergePlan = { creates: [], updates: [], markStopped: [], otherEngine: [], seen: [] };
  // Keyed in lower case: names are unique regardless of case, so "alpha" holds "Alpha".
  const heldBy = new Map<string, InstanceType>(allEntries.map((entry) => [entry.name.toLowerCase(), entry.type]));
  // Docker records of another configured host only hold their names: this Engine says nothing of them.
  const entries = allEntries.filter((entry) => entry.type !== 'docker' || isOfHost(entry));
  const handled = new Set<string>();
  const index = indexEntries(entries, engine);

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
    const status = statusFromContainerState(container);
    const observed = observeDockerContainer(container, engine);
    if (Object.keys(fields).length > 0 || status !== entry.status || hasNewObservation(entry, observed)) {
      plan.updates.push({ entry, container, fields, status, observed });
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
      status: statusFromContainerState(candidate.container),
      observed: observeDockerContainer(candidate.container, engine),
      conflict: name === wanted ? null : { wanted, heldBy: holder ?? null },
      invalidLabel: candidate.label !== null && candidate.label !== wanted ? candidate.label : null,
    });
    heldBy.set(name.toLowerCase(), 'docker');
  }

  for (const entry of entries) {
    if (entry.type !== 'docker' || handled.has(entry.id)) continue;
    if (belongsToOtherEngine(entry, engine)) plan.otherEngine.push(entry);
    else if (entry.status !== 'stopped' || hasNewObservation(entry, { ...entry, ...goneContainerObservation })) plan.markStopped.push(entry);
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
