// The form that adds a file or folder on this machine as a dataset (a new version when its name
// is taken and its content is new), then profiles it. A path typed here is read by the main side.
import { useState, type DragEvent, type FormEvent } from 'react';
import { pathOfDroppedFile } from '../../api';
import { navigate } from '../../router';
import { useAppStore } from '../../use-app-store';

/** Adds a dataset from a path, with an optional name; goes to its page when added. */
export function AddDatasetForm({ defaultName = '', autoFocus = false }: { defaultName?: string; autoFocus?: boolean }) {
  const [path, setPath] = useState('');
  const [name, setName] = useState(defaultName);
  const [busy, setBusy] = useState(false);
  const [dropNotice, setDropNotice] = useState<string | null>(null);
  const error = useAppStore((state) => state.dataActionError);
  const add = async (paths: readonly string[]) => {
    setBusy(true);
    let last = null;
    for (const one of paths) last = (await useAppStore.getState().addDataset(one, paths.length === 1 ? name : '')) ?? last;
    setBusy(false);
    if (last) {
      setPath('');
      navigate({ name: 'data', datasetName: last.datasetName, versionId: last.versionId });
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!path.trim() || busy) return;
    setDropNotice(null);
    void add([path]);
  };
  /** Dropped files are added at once in the desktop app; a browser does not tell where they are, so the path is to complete. */
  const drop = (event: DragEvent) => {
    event.preventDefault();
    const files = [...event.dataTransfer.files];
    if (files.length === 0 || busy) return;
    const paths = files.map(pathOfDroppedFile);
    if (paths.every((one): one is string => one !== null)) {
      setDropNotice(null);
      void add(paths);
      return;
    }
    setPath(files[0]!.name);
    setDropNotice(
      `A browser does not tell Cairn where a dropped file is on the machine: complete the path of ${files[0]!.name} in the field (the desktop app reads it by itself).`,
    );
  };
  return (
    <form
      className="add-dataset-form"
      onSubmit={submit}
      onDragOver={(event) => event.preventDefault()}
      onDrop={drop}
      aria-label="Add a dataset"
      data-testid="add-dataset-form"
    >
      <div className="add-dataset-fields">
        <label className="add-dataset-path">
          <span>File or folder</span>
          <input
            type="text"
            placeholder="/path/to/data.csv, or drop files here (CSV, TSV, Parquet, JSON Lines; gzip'd too)"
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
      {dropNotice && (
        <p className="muted" role="status" data-testid="drop-notice">
          {dropNotice}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="data-action-error">
          {error}
        </p>
      )}
    </form>
  );
}
