'use client';

import { useId, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes } from 'react';
import { cx, focusRing } from '../lib/cx.ts';

const controlClasses =
  'block w-full rounded-md border bg-white px-3 py-2 text-sm text-zinc-900 shadow-sm placeholder:text-zinc-400 disabled:cursor-not-allowed disabled:opacity-60 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-500';
const borderOk = 'border-zinc-300 dark:border-zinc-600';
const borderInvalid = 'border-red-600 dark:border-red-400';

function describedBy(...ids: Array<string | false | undefined>): string | undefined {
  const joined = ids.filter(Boolean).join(' ');
  return joined === '' ? undefined : joined;
}

/** The ids that tie a control to its hint and error, and the ARIA attributes that use them. */
function useFieldIds(id: string | undefined, hint: ReactNode, error: string | undefined) {
  const generatedId = useId();
  const controlId = id ?? generatedId;
  const hintId = `${controlId}-hint`;
  const errorId = `${controlId}-error`;
  return {
    controlId,
    hintId,
    errorId,
    aria: {
      'aria-invalid': error ? true : undefined,
      'aria-describedby': describedBy(hint !== undefined && hintId, error && errorId),
    },
  };
}

function FieldError({ id, error }: { id: string; error: string }) {
  return (
    <p id={id} className="mt-1 text-sm text-red-700 dark:text-red-400">
      {error}
    </p>
  );
}

function FieldHint({ id, children }: { id: string; children: ReactNode }) {
  return (
    <p id={id} className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
      {children}
    </p>
  );
}

function FieldLabel({ htmlFor, children, required }: { htmlFor: string; children: ReactNode; required?: boolean }) {
  return (
    <label htmlFor={htmlFor} className="mb-1 block text-sm font-medium text-zinc-800 dark:text-zinc-200">
      {children}
      {/* The input's own `required` tells assistive tech; the star is for sighted readers only. */}
      {required ? <span aria-hidden="true" className="ml-0.5 text-red-700 dark:text-red-400">*</span> : null}
    </label>
  );
}

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'name'> {
  label: string;
  name: string;
  /** Shown under the input and announced with it; also marks the input invalid. */
  error?: string | undefined;
  hint?: ReactNode;
  ref?: Ref<HTMLInputElement>;
}

export function TextField({ label, name, error, hint, id, className, type = 'text', ...props }: TextFieldProps) {
  const { controlId: inputId, hintId, errorId, aria } = useFieldIds(id, hint, error);
  return (
    <div className={className}>
      <FieldLabel htmlFor={inputId} required={props.required}>
        {label}
      </FieldLabel>
      <input
        id={inputId}
        name={name}
        type={type}
        {...aria}
        className={cx(controlClasses, error ? borderInvalid : borderOk, focusRing)}
        {...props}
      />
      {hint !== undefined ? <FieldHint id={hintId}>{hint}</FieldHint> : null}
      {error ? <FieldError id={errorId} error={error} /> : null}
    </div>
  );
}

export interface SelectOption {
  value: string;
  label: string;
  disabled?: boolean;
}

export interface SelectFieldProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'name'> {
  label: string;
  name: string;
  /** Plain strings are used as both value and label. */
  options: ReadonlyArray<SelectOption | string>;
  error?: string | undefined;
  hint?: ReactNode;
  ref?: Ref<HTMLSelectElement>;
}

export function SelectField({ label, name, options, error, hint, id, className, ...props }: SelectFieldProps) {
  const { controlId: selectId, hintId, errorId, aria } = useFieldIds(id, hint, error);
  return (
    <div className={className}>
      <FieldLabel htmlFor={selectId} required={props.required}>
        {label}
      </FieldLabel>
      <select
        id={selectId}
        name={name}
        {...aria}
        className={cx(controlClasses, error ? borderInvalid : borderOk, focusRing)}
        {...props}
      >
        {options.map((option) => {
          const { value, label: optionLabel, disabled } =
            typeof option === 'string' ? { value: option, label: option, disabled: false } : option;
          return (
            <option key={value} value={value} disabled={disabled}>
              {optionLabel}
            </option>
          );
        })}
      </select>
      {hint !== undefined ? <FieldHint id={hintId}>{hint}</FieldHint> : null}
      {error ? <FieldError id={errorId} error={error} /> : null}
    </div>
  );
}

export interface CheckboxFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'type'> {
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
  ref?: Ref<HTMLInputElement>;
}

export function CheckboxField({ label, error, hint, id, className, ...props }: CheckboxFieldProps) {
  const { controlId: inputId, hintId, errorId, aria } = useFieldIds(id, hint, error);
  return (
    <div className={className}>
      <div className="flex items-center gap-2">
        <input
          id={inputId}
          type="checkbox"
          {...aria}
          className={cx('size-4 rounded accent-blue-600 dark:accent-blue-400', focusRing)}
          {...props}
        />
        <label htmlFor={inputId} className="text-sm text-zinc-800 dark:text-zinc-200">
          {label}
        </label>
      </div>
      {hint !== undefined ? <FieldHint id={hintId}>{hint}</FieldHint> : null}
      {error ? <FieldError id={errorId} error={error} /> : null}
    </div>
  );
}
