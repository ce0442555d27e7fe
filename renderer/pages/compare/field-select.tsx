// A <select> of the compared runs' fields, grouped into params, metrics and tags.
import type { RunField } from './run-fields';

/** Props of {@link FieldSelect}. */
export interface FieldSelectProps {
  readonly label: string;
  readonly value: string | null;
  readonly fields: { readonly params: readonly RunField[]; readonly metrics: readonly RunField[]; readonly tags: readonly RunField[] };
  readonly onChange: (fieldId: string | null) => void;
  /** The text of the "no field" choice; without it, a field must be chosen. */
  readonly noneLabel?: string;
  /** Only these kinds are offered. */
  readonly kinds?: readonly ('params' | 'metrics' | 'tags')[];
  readonly testId?: string;
}

const GROUP_NAMES = { params: 'Params', metrics: 'Metrics', tags: 'Tags' } as const;

/** Chooses one field (or none). */
export function FieldSelect({ label, value, fields, onChange, noneLabel, kinds = ['params', 'metrics', 'tags'], testId }: FieldSelectProps) {
  return (
    <label className="field-select">
      <span>{label}</span>
      <select value={value ?? ''} data-testid={testId} onChange={(event) => onChange(event.target.value || null)}>
        {(noneLabel !== undefined || value === null) && <option value="">{noneLabel ?? 'Choose…'}</option>}
        {kinds.map((kind) =>
          fields[kind].length ? (
            <optgroup key={kind} label={GROUP_NAMES[kind]}>
              {fields[kind].map((field) => (
                <option key={field.id} value={field.id}>
                  {field.key}
                </option>
              ))}
            </optgroup>
          ) : null,
        )}
      </select>
    </label>
  );
}
