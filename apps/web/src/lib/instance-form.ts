import { z } from 'zod';
import {
  createInstanceInput,
  startInstanceInput,
  type CreateInstanceInput,
  type Instance,
  type InstanceType,
  type UpdateInstancePatch,
} from './core-schemas';

/**
 * What the create action takes, checked in the browser before sending and again by the action:
 * starting a runtime needs an image instead of an existing container's id and name.
 */
export const createInstanceRequest = z.discriminatedUnion('start', [
  z.object({ start: z.literal(false), fields: createInstanceInput }),
  z.object({ start: z.literal(true), fields: startInstanceInput }),
]);
export type CreateInstanceRequest = z.input<typeof createInstanceRequest>;

export const runtimeTextFields = ['tmuxSession', 'cwd', 'containerId', 'containerName', 'imageName', 'dockerNetwork'] as const;
export type RuntimeTextField = (typeof runtimeTextFields)[number];

/** Labels are part of the test contract (issue 3, "Stable handles"). */
export const fieldLabels: Record<RuntimeTextField, string> = {
  tmuxSession: 'tmux session',
  cwd: 'Working directory',
  containerId: 'Container ID',
  containerName: 'Container name',
  imageName: 'Image',
  dockerNetwork: 'Network',
};

export const fieldsOfType: Record<InstanceType, readonly RuntimeTextField[]> = {
  tmux: ['tmuxSession', 'cwd'],
  docker: ['containerId', 'containerName', 'imageName', 'dockerNetwork'],
};

export type FormValues = { name: string } & Record<RuntimeTextField, string>;

export const emptyFormValues: FormValues = {
  name: '',
  tmuxSession: '',
  cwd: '',
  containerId: '',
  containerName: '',
  imageName: '',
  dockerNetwork: '',
};

export function formValuesOf(instance: Instance): FormValues {
  const values: FormValues = { ...emptyFormValues, name: instance.name };
  for (const field of runtimeTextFields) values[field] = instance[field] ?? '';
  return values;
}

/**
 * Every field that holds text, whatever the type: a value typed for the other type is sent on
 * purpose, so the schema names it instead of the form dropping it without a word.
 */
export function toCreateFields(type: InstanceType, values: FormValues): CreateInstanceInput {
  const fields: CreateInstanceInput = { name: values.name.trim(), type };
  for (const field of runtimeTextFields) {
    const text = values[field].trim();
    if (text !== '') fields[field] = text;
  }
  return fields;
}

/** Only what changed; a field emptied by the user is cleared (null). */
export function toPatch(instance: Instance, values: FormValues): UpdateInstancePatch {
  const patch: UpdateInstancePatch = {};
  const name = values.name.trim();
  if (name !== instance.name) patch.name = name;
  for (const field of runtimeTextFields) {
    const text = values[field].trim();
    if (text !== (instance[field] ?? '')) patch[field] = text === '' ? null : text;
  }
  return patch;
}
