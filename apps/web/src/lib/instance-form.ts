import { z } from 'zod';
import {
  createInstanceInput,
  fieldSpec,
  formFieldNames,
  startInstanceInput,
  type CreateInstanceInput,
  type FormField,
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

/** The text boxes beside the name: core's input fields that declare a form entry, in declaration order. */
export const runtimeTextFields = formFieldNames;
export type RuntimeTextField = FormField;

const fieldsBy = <Value>(pick: (field: RuntimeTextField) => Value) =>
  Object.fromEntries(runtimeTextFields.map((field) => [field, pick(field)])) as Record<RuntimeTextField, Value>;

/** Labels are part of the test contract (issue 3, "Stable handles"); they are the detail page's too. */
export const fieldLabels = fieldsBy((field) => fieldSpec(field).detail?.label ?? field);
export const fieldPlaceholders = fieldsBy((field) => fieldSpec(field).input?.form?.placeholder ?? '');

const ofType = (type: InstanceType) => runtimeTextFields.filter((field) => fieldSpec(field).type === type);
export const formFieldsOfType: Record<InstanceType, readonly RuntimeTextField[]> = { tmux: ofType('tmux'), docker: ofType('docker') };

export type FormValues = { name: string } & Record<RuntimeTextField, string>;

export const emptyFormValues: FormValues = { name: '', ...fieldsBy(() => '') };

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
