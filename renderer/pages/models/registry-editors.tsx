// Small editors of the model page: a description edited in place, a model's or version's tags,
// and the form that points an alias at a version.
import { useState } from 'react';
import type { ModelVersion, Tag } from '../../../shared/models';

/** A description shown as text, edited in place (Save or Ctrl+Enter; Escape cancels). */
export function EditableDescription({
  value,
  placeholder,
  onSave,
  testId,
}: {
  value: string | null;
  placeholder: string;
  onSave: (text: string) => Promise<boolean>;
  testId: string;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const save = async () => {
    if (draft === null) return;
    setSaving(true);
    const ok = await onSave(draft.trim());
    setSaving(false);
    if (ok) setDraft(null);
  };
  if (draft !== null) {
    return (
      <div className="description-editor" data-testid={testId}>
        <textarea
          value={draft}
          rows={3}
          autoFocus
          aria-label="Description"
          data-testid={`${testId}-input`}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              setDraft(null);
            }
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void save();
          }}
        />
        <div className="editor-actions">
          <button type="button" className="small" onClick={() => setDraft(null)} disabled={saving}>
            Cancel
          </button>
          <button type="button" className="small primary" onClick={() => void save()} disabled={saving} data-testid={`${testId}-save`}>
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="description-view" data-testid={testId}>
      {value ? <p className="description-text">{value}</p> : <p className="faint">{placeholder}</p>}
      <button type="button" className="small ghost" onClick={() => setDraft(value ?? '')} data-testid={`${testId}-edit`}>
        {value ? 'Edit' : 'Add a description'}
      </button>
    </div>
  );
}

/** Tags as key = value chips, each removable, and a form adding (or changing) one. */
export function TagsEditor({
  tags,
  onSet,
  testId,
}: {
  tags: readonly Tag[];
  onSet: (key: string, value: string | null) => Promise<boolean>;
  testId: string;
}) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const add = async () => {
    if (!key.trim()) return;
    if (await onSet(key.trim(), value)) {
      setKey('');
      setValue('');
    }
  };
  return (
    <div className="tags-editor" data-testid={testId}>
      {tags.length > 0 ? (
        <ul className="tag-chips">
          {tags.map((tag) => (
            <li key={tag.key} className="tag-chip" data-testid="model-tag">
              <span className="tag-key">{tag.key}</span>
              <span className="tag-value">{tag.value}</span>
              <button type="button" className="chip-remove" aria-label={`Remove the tag ${tag.key}`} title="Remove" onClick={() => void onSet(tag.key, null)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="faint">No tags.</p>
      )}
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void add();
        }}
      >
        <input type="text" placeholder="key" value={key} onChange={(event) => setKey(event.target.value)} aria-label="Tag key" data-testid={`${testId}-key`} />
        <input type="text" placeholder="value" value={value} onChange={(event) => setValue(event.target.value)} aria-label="Tag value" data-testid={`${testId}-value`} />
        <button type="submit" className="small" disabled={!key.trim()} data-testid={`${testId}-add`}>
          Set tag
        </button>
      </form>
    </div>
  );
}

/** Points an alias (new, or moved from another version) at a version of the model. */
export function AliasForm({
  versions,
  initialVersion,
  onSet,
}: {
  versions: readonly ModelVersion[];
  initialVersion?: string;
  onSet: (alias: string, version: string) => Promise<boolean>;
}) {
  const [alias, setAlias] = useState('');
  const [version, setVersion] = useState(initialVersion ?? versions[0]?.version ?? '');
  const owner = versions.find((v) => v.aliases.includes(alias.trim()));
  const submit = async () => {
    if (alias.trim() && version && (await onSet(alias.trim(), version))) setAlias('');
  };
  return (
    <form
      className="inline-form alias-form"
      data-testid="alias-form"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <input
        type="text"
        placeholder="alias, e.g. champion"
        value={alias}
        onChange={(event) => setAlias(event.target.value)}
        aria-label="Alias"
        data-testid="alias-name"
      />
      <span className="muted">→</span>
      <select value={version} onChange={(event) => setVersion(event.target.value)} aria-label="Version" data-testid="alias-version">
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            version {v.version}
          </option>
        ))}
      </select>
      <button type="submit" className="small" disabled={!alias.trim() || !version} data-testid="alias-set">
        {owner && owner.version !== version ? `Move from v${owner.version}` : 'Set alias'}
      </button>
    </form>
  );
}
