'use client';

import { Banner, CheckboxField, SelectField, TextField, useToast } from '@cc-bridge/ui';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { instanceTypes, typeSpecs, type InstanceType } from '@/lib/core-schemas';
import { clashFieldErrors, describeError, toSerializedError } from '@/lib/error-messages';
import { fieldErrorsOf, firstError, type FieldErrors } from '@/lib/field-errors';
import {
  createInstanceRequest,
  emptyFormValues,
  fieldLabels,
  fieldPlaceholders,
  formFieldsOfType,
  runtimeTextFields,
  toCreateFields,
  type FormValues,
} from '@/lib/instance-form';
import { useCreateInstance } from '@/lib/mutations';
import { dockerHealthQuery } from '@/lib/queries';
import { FormDialog } from './form-dialog';

export function CreateInstanceDialog({ onClose }: { onClose: () => void }) {
  const [type, setType] = useState<InstanceType>('tmux');
  const [values, setValues] = useState<FormValues>(emptyFormValues);
  const [start, setStart] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<{ title: string; detail: string | null } | null>(null);
  const create = useCreateInstance();
  const { toast } = useToast();
  // The configured Docker hosts ([[docker.hosts]]), as the health read lists them: a choice only when there are several.
  const { data: health } = useQuery({ ...dockerHealthQuery(), refetchInterval: false });
  const hostNames = health?.hosts.map((host) => host.name) ?? [];
  const [dockerHost, setDockerHost] = useState<string | null>(null);
  const isHostChosen = type === 'docker' && hostNames.length > 1;

  // The chosen type's fields, plus any field of the other type still holding text, so the
  // mismatch is shown and named rather than silently dropped.
  const visibleFields = runtimeTextFields.filter((field) => formFieldsOfType[type].includes(field) || values[field].trim() !== '');

  function setValue(field: keyof FormValues, value: string) {
    setValues((current) => ({ ...current, [field]: value }));
    // A message about the old value would be wrong about the new one; the next submit checks again.
    setFieldErrors(({ [field]: _edited, ...rest }) => rest);
  }

  function handleSubmit() {
    const fields = toCreateFields(type, values);
    // Unchosen: the first host, as core's default.
    if (isHostChosen) fields.dockerHost = dockerHost ?? hostNames[0];
    const request = { start, fields };
    const parsed = createInstanceRequest.safeParse(request);
    if (!parsed.success) {
      setFieldErrors(fieldErrorsOf(parsed.error));
      setFormError(null);
      return;
    }
    setFieldErrors({});
    setFormError(null);
    create.mutate(request, {
      onSuccess: (instance) => {
        toast({
          variant: 'success',
          title: `Created ${instance.name}`,
          description: start ? `Its ${typeSpecs[instance.type].runtimeNoun} is starting.` : `Status: ${instance.status}.`,
        });
        onClose();
      },
      onError: (error) => {
        const serialized = toSerializedError(error);
        // A clash belongs next to its field; anything else is said above the buttons too.
        const clash = clashFieldErrors(serialized);
        if (clash) {
          setFieldErrors(clash);
          return;
        }
        setFieldErrors(serialized.fieldErrors ?? {});
        setFormError(describeError(serialized));
      },
    });
  }

  return (
    <FormDialog
      title="New instance"
      description="Register a Claude Code instance, or start a new one."
      submitLabel="Create"
      isPending={create.isPending}
      onSubmit={handleSubmit}
      onClose={onClose}
    >
      <TextField
        label="Name"
        name="name"
        required
        autoFocus
        autoComplete="off"
        spellCheck={false}
        value={values.name}
        placeholder="billing-api"
        onChange={(event) => setValue('name', event.target.value)}
        error={firstError(fieldErrors, 'name')}
      />
      <SelectField
        label="Type"
        name="type"
        options={instanceTypes.map((value) => ({ value, label: typeSpecs[value].optionLabel }))}
        value={type}
        onChange={(event) => setType(instanceTypes.find((value) => value === event.target.value) ?? 'tmux')}
        error={firstError(fieldErrors, 'type')}
      />
      {isHostChosen ? (
        <SelectField
          label="Host"
          name="dockerHost"
          options={hostNames.map((name) => ({ value: name, label: name }))}
          value={dockerHost ?? hostNames[0]}
          onChange={(event) => setDockerHost(event.target.value)}
          error={firstError(fieldErrors, 'dockerHost')}
        />
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        {visibleFields.map((field) => (
          <TextField
            key={field}
            label={fieldLabels[field]}
            name={field}
            autoComplete="off"
            spellCheck={false}
            value={values[field]}
            placeholder={fieldPlaceholders[field]}
            onChange={(event) => setValue(field, event.target.value)}
            error={firstError(fieldErrors, field)}
          />
        ))}
      </div>
      <CheckboxField
        label="Start it now"
        name="start"
        checked={start}
        onChange={(event) => setStart(event.target.checked)}
        hint={typeSpecs[type].startHint}
      />
      {formError ? (
        <Banner variant="error" title={formError.title}>
          {formError.detail}
        </Banner>
      ) : null}
    </FormDialog>
  );
}
