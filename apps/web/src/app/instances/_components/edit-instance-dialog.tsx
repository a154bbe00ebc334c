'use client';

import { Banner, Button, TextField, useToast } from '@cc-bridge/ui';
import { useState } from 'react';
import { fetchInstanceDetail } from '@/lib/api-client';
import { typeSpecs, updateInstancePatch, type Instance } from '@/lib/core-schemas';
import { clashFieldErrors, describeError, toSerializedError, type ErrorText } from '@/lib/error-messages';
import { fieldErrorsOf, firstError, type FieldErrors } from '@/lib/field-errors';
import { fieldLabels, formFieldsOfType, formValuesOf, toPatch, type FormValues } from '@/lib/instance-form';
import { useUpdateInstance } from '@/lib/mutations';
import { FormDialog } from './form-dialog';

export interface EditInstanceDialogProps {
  instance: Instance;
  onClose: () => void;
  /** Called with the saved record (its name may have changed). */
  onSaved?: (instance: Instance) => void;
}

export function EditInstanceDialog({ instance: opened, onClose, onSaved }: EditInstanceDialogProps) {
  // The version the edit is based on: a save against an older one than the database holds is refused.
  const [base, setBase] = useState<Instance>(opened);
  const [values, setValues] = useState<FormValues>(() => formValuesOf(opened));
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<ErrorText | null>(null);
  const [isStale, setIsStale] = useState(false);
  const [isReloading, setIsReloading] = useState(false);
  const update = useUpdateInstance();
  const { toast } = useToast();

  function setValue(field: keyof FormValues, value: string) {
    setValues((current) => ({ ...current, [field]: value }));
    // A message about the old value would be wrong about the new one; the next submit checks again.
    setFieldErrors(({ [field]: _edited, ...rest }) => rest);
  }

  function handleSubmit() {
    const patch = toPatch(base, values);
    const parsed = updateInstancePatch.safeParse(patch);
    setFormError(null);
    if (!parsed.success) {
      setFieldErrors(fieldErrorsOf(parsed.error));
      return;
    }
    setFieldErrors({});
    if (Object.keys(patch).length === 0) {
      toast({ variant: 'info', title: 'Nothing changed' });
      onClose();
      return;
    }
    update.mutate(
      { name: base.name, patch, expectedVersion: base.version },
      {
        onSuccess: (saved) => {
          toast({
            variant: 'success',
            title: saved.name === base.name ? `Saved ${saved.name}` : `Renamed ${base.name} to ${saved.name}`,
          });
          onSaved?.(saved);
          onClose();
        },
        onError: (error) => {
          const serialized = toSerializedError(error);
          if (serialized.code === 'CONFLICT') setIsStale(true);
          const clash = clashFieldErrors(serialized);
          if (clash) {
            setFieldErrors(clash);
            return;
          }
          setFieldErrors(serialized.fieldErrors ?? {});
          setFormError(describeError(serialized));
        },
      },
    );
  }

  async function handleReload() {
    setIsReloading(true);
    try {
      const detail = await fetchInstanceDetail(base.name);
      if (!detail) {
        setFormError({ title: `${base.name} was deleted meanwhile`, detail: null });
        return;
      }
      setBase(detail.instance);
      setValues(formValuesOf(detail.instance));
      setFieldErrors({});
      setFormError(null);
      setIsStale(false);
    } catch (error) {
      setFormError(describeError(toSerializedError(error)));
    } finally {
      setIsReloading(false);
    }
  }

  return (
    <FormDialog
      title={`Edit ${base.name}`}
      description={`A ${typeSpecs[base.type].label} instance. Empty a field to clear it.`}
      submitLabel="Save"
      isPending={update.isPending || isReloading}
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
        onChange={(event) => setValue('name', event.target.value)}
        error={firstError(fieldErrors, 'name')}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        {formFieldsOfType[base.type].map((field) => (
          <TextField
            key={field}
            label={fieldLabels[field]}
            name={field}
            autoComplete="off"
            spellCheck={false}
            value={values[field]}
            onChange={(event) => setValue(field, event.target.value)}
            error={firstError(fieldErrors, field)}
          />
        ))}
      </div>
      {formError ? (
        <Banner
          variant="error"
          title={formError.title}
          actions={
            isStale ? (
              <Button size="sm" variant="secondary" onClick={() => void handleReload()} disabled={isReloading}>
                Reload
              </Button>
            ) : undefined
          }
        >
          {isStale ? 'Reload to see the current values; your changes here will be replaced.' : formError.detail}
        </Banner>
      ) : null}
    </FormDialog>
  );
}
