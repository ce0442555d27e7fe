// The form that adds a file or folder on this machine as a dataset (a new version when its name
// is taken and its content is new), then profiles it. A path typed here is read by the main side.
import { useState, type FormEvent } from 'react';
import { navigate } from '../../router';
import { useAppStore } from '../../use-app-store';

/** Adds a dataset from a path, with an optional name; goes to its page when added. */
export function AddDatasetForm({ defaultName = '', autoFocus = false }: { defaultName?: string; autoFocus?: boolean }) {
  const [path, setPath] = useState('');
  const [name, setName] = useState(defaultName);
  const [busy, setBusy] = useState(false);
  const error = useAppStore((state) => state.dataActionError);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!path.trim() || busy) return;
    setBusy(true);
    const version = await useAppStore.getState().addDataset(path, name);
    setBusy(false);
    if (version) {
      setPath('');
      navigate({ name: 'data', datasetName: version.datasetName, versionId: version.versionId });
    }
  };
  return (
    <form className="add-dataset-form" onSubmit={(event) => void submit(event)} aria-label="Add a dataset" data-testid="add-dataset-form">
      <div className="add-dataset-fields">
        <label className="add-dataset-path">
          <span>File or folder</span>
          <input
            type="text"
            placeholder="/path/to/data.csv (CSV, TSV, Parquet, JSON Lines; gzip'd too)"
            value={path}
            spellCheck={false}
            autoFocus={autoFocus}
            onChange={(event) => setPath(event.target.value)}
            data-testid="add-dataset-path"
          />
        </label>
        <label className="add-dataset-name">
          <span>Name (optional)</span>
          <input type="text" placeholder="named after the file" value={name} spellCheck={false} onChange={(event) => setName(event.target.value)} data-testid="add-dataset-name" />
        </label>
        <button type="submit" className="primary" disabled={busy || !path.trim()} data-testid="add-dataset">
          {busy ? 'Adding…' : 'Add and profile'}
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="data-action-error">
          {error}
        </p>
      )}
    </form>
  );
}
