import { CcBridgeError } from '../errors.ts';
import { shortContainerId } from '../instance.ts';

interface UniqueViolation {
  fields: string[];
}

/** Prisma reports a unique violation as P2002, or through the adapter as PostgreSQL's 23505. */
function uniqueViolation(error: unknown): UniqueViolation | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, meta, cause } = error as { code?: unknown; meta?: { target?: unknown; driverAdapterError?: unknown }; cause?: unknown };
  if (code === 'P2002') {
    const target = meta?.target;
    const text = JSON.stringify(meta ?? {});
    const fields = Array.isArray(target) ? target.map(String) : ['name', 'containerId'].filter((field) => text.includes(field));
    return { fields };
  }
  const original = (cause ?? {}) as { code?: unknown; originalCode?: unknown; constraint?: unknown; message?: unknown };
  if (original.code === '23505' || original.originalCode === '23505') {
    const text = String(original.constraint ?? original.message ?? '');
    return { fields: ['name', 'containerId'].filter((field) => text.includes(field)) };
  }
  return null;
}

/**
 * The one place database errors become domain errors: a taken name is NAME_TAKEN, a container
 * registered twice is CONTAINER_TAKEN. Anything else goes on unchanged.
 */
export function translateDatabaseError(error: unknown, context: { name?: string; containerId?: string | null }): unknown {
  const violation = uniqueViolation(error);
  if (!violation) return error;
  if (violation.fields.includes('containerId')) return containerTaken(context.containerId ?? null, null, error);
  return nameTaken(context.name ?? '', error);
}

export function nameTaken(name: string, cause?: unknown): CcBridgeError {
  return new CcBridgeError('NAME_TAKEN', `An instance named "${name}" already exists`, {
    cause,
    fieldErrors: { name: ['is taken by another instance'] },
  });
}

/** `holder`: the instance that has the container, when known. */
export function containerTaken(containerId: string | null, holder: string | null, cause?: unknown): CcBridgeError {
  const container = containerId ? `Container ${shortContainerId(containerId)}` : 'This container';
  const owner = holder ? `as "${holder}"` : 'under another name';
  return new CcBridgeError('CONTAINER_TAKEN', `${container} is already registered ${owner}`, {
    cause,
    fieldErrors: { containerId: [`is already registered ${owner}`] },
  });
}
