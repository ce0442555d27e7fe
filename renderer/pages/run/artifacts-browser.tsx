// The run's artifacts: a folder tree (folders listed when opened) and a preview of the chosen
// file: text, JSON pretty-printed, YAML, CSV/TSV as a table, images; anything else, and files too
// large to preview, by size with a download. Downloads read the file through the contract and
// save it from a blob, which works the same in the desktop app and in the browser mode.
import { useMemo, useState } from 'react';
import type { ArtifactFileInfo } from '../../../shared/models';
import { formatBytes } from '../../../shared/quantity-text';
import { MAX_ARTIFACT_READ_BYTES } from '../../../shared/contract';
import { useAppStore } from '../../use-app-store';
import { bytesOfBase64 } from '../../stores/base64-bytes';
import { ARTIFACT_PREVIEW_BYTES, type ArtifactPreviewState } from '../../stores/run-page-slice';
import { parseDelimited } from './delimited-text';

type PreviewKind = 'text' | 'json' | 'csv' | 'tsv' | 'image' | 'binary';

const IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  svg: 'image/svg+xml',
};
const TEXT_EXTENSIONS = new Set(['txt', 'log', 'md', 'yaml', 'yml', 'py', 'toml', 'ini', 'cfg', 'sh', 'html', 'xml', 'r', 'sql', 'ipynb', 'jsonl']);
/** Extensionless files MLflow writes as text. */
const TEXT_FILE_NAMES = new Set(['MLmodel', 'requirements.txt', 'conda.yaml', 'python_env.yaml', 'Dockerfile', 'LICENSE', 'README']);
const CSV_PREVIEW_ROWS = 200;

function extensionOf(path: string): string {
  const name = path.split('/').pop() ?? '';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

function previewKind(path: string): PreviewKind {
  const extension = extensionOf(path);
  if (extension === 'json') return 'json';
  if (extension === 'csv') return 'csv';
  if (extension === 'tsv') return 'tsv';
  if (IMAGE_TYPES[extension]) return 'image';
  if (TEXT_EXTENSIONS.has(extension) || TEXT_FILE_NAMES.has(path.split('/').pop() ?? '')) return 'text';
  return 'binary';
}

/** How many bytes to read for a preview: 0 when the file is shown by size only. */
function previewBytes(file: ArtifactFileInfo): number {
  const kind = previewKind(file.path);
  if (kind === 'binary') return 0;
  if (kind === 'image') return (file.fileSize ?? 0) <= ARTIFACT_PREVIEW_BYTES.image ? ARTIFACT_PREVIEW_BYTES.image : 0;
  return ARTIFACT_PREVIEW_BYTES.text;
}


function FolderEntries({ path, depth }: { path: string; depth: number }) {
  const entries = useAppStore((s) => s.runPage.artifactFolders[path]);
  const selected = useAppStore((s) => s.runPage.artifactPreview?.path ?? null);
  const loadArtifactFolder = useAppStore((s) => s.loadArtifactFolder);
  const previewArtifact = useAppStore((s) => s.previewArtifact);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  if (!entries) return <div className="muted artifact-loading">Loading…</div>;
  const sorted = [...entries].sort((a, b) => Number(b.isDir) - Number(a.isDir) || a.path.localeCompare(b.path));
  return (
    <ul className="artifact-tree" role={depth === 0 ? 'tree' : 'group'}>
      {sorted.map((entry) => {
        const name = entry.path.split('/').pop();
        if (entry.isDir) {
          const isOpen = open.has(entry.path);
          return (
            <li key={entry.path} role="treeitem" aria-expanded={isOpen}>
              <button
                type="button"
                className="artifact-entry is-folder"
                data-testid="artifact-entry"
                style={{ paddingLeft: 8 + depth * 14 }}
                onClick={() => {
                  const next = new Set(open);
                  if (isOpen) next.delete(entry.path);
                  else {
                    next.add(entry.path);
                    void loadArtifactFolder(entry.path);
                  }
                  setOpen(next);
                }}
              >
                <span className="artifact-icon">{isOpen ? '▾' : '▸'}</span>
                {name}/
              </button>
              {isOpen && <FolderEntries path={entry.path} depth={depth + 1} />}
            </li>
          );
        }
        return (
          <li key={entry.path} role="treeitem" aria-selected={selected === entry.path}>
            <button
              type="button"
              className={selected === entry.path ? 'artifact-entry is-selected' : 'artifact-entry'}
              data-testid="artifact-entry"
              style={{ paddingLeft: 8 + depth * 14 }}
              onClick={() => void previewArtifact(entry, previewBytes(entry))}
            >
              <span className="artifact-icon" />
              <span className="artifact-name">{name}</span>
              <span className="muted artifact-size">{formatBytes(entry.fileSize ?? 0)}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function DownloadButton({ file }: { file: ArtifactFileInfo }) {
  const readArtifactFile = useAppStore((s) => s.readArtifactFile);
  const [state, setState] = useState<'idle' | 'reading' | 'error'>('idle');
  if ((file.fileSize ?? 0) > MAX_ARTIFACT_READ_BYTES) {
    return <span className="muted">Larger than {formatBytes(MAX_ARTIFACT_READ_BYTES)}: fetch it with mlflow.artifacts.download_artifacts.</span>;
  }
  const download = async () => {
    setState('reading');
    try {
      const bytes = await readArtifactFile(file);
      const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>]));
      const link = document.createElement('a');
      link.href = url;
      link.download = file.path.split('/').pop() ?? 'artifact';
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState('idle');
    } catch {
      setState('error');
    }
  };
  return (
    <button type="button" data-testid="artifact-download" onClick={() => void download()} disabled={state === 'reading'}>
      {state === 'reading' ? 'Reading…' : state === 'error' ? 'Download failed: retry' : `Download (${formatBytes(file.fileSize ?? 0)})`}
    </button>
  );
}

function PreviewBody({ preview }: { preview: ArtifactPreviewState }) {
  const kind = previewKind(preview.path);
  const content = preview.content;
  const text = useMemo(() => (content && kind !== 'image' ? new TextDecoder('utf-8', { fatal: false }).decode(bytesOfBase64(content.base64)) : ''), [content, kind]);
  if (preview.status === 'loading') return <p className="muted">Reading…</p>;
  if (preview.status === 'error') return <p className="error-state">Could not read this file: {preview.error}</p>;
  if (!content) {
    return <p className="muted">{kind === 'binary' ? 'No preview for this kind of file.' : 'Too large to preview.'} Its size is {formatBytes(preview.size)}.</p>;
  }
  const cut = content.truncated ? <p className="muted">Showing the first {formatBytes(content.base64.length * 0.75)} of {formatBytes(content.size)}.</p> : null;
  if (kind === 'image') {
    return <img className="artifact-image" alt={preview.path} src={`data:${IMAGE_TYPES[extensionOf(preview.path)]};base64,${content.base64}`} />;
  }
  if (kind === 'csv' || kind === 'tsv') {
    const rows = parseDelimited(text, kind === 'csv' ? ',' : '\t', CSV_PREVIEW_ROWS + 1, content.truncated);
    const [header = [], ...body] = rows;
    return (
      <>
        <div className="artifact-table-scroll">
          <table className="data-table artifact-table" data-testid="artifact-csv-table">
            <thead>
              <tr>
                {header.map((cell, i) => (
                  <th key={i}>{cell}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {body.map((row, r) => (
                <tr key={r}>
                  {row.map((cell, i) => (
                    <td key={i}>{cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {(cut || body.length >= CSV_PREVIEW_ROWS) && <p className="muted">Showing the first {body.length} rows.</p>}
      </>
    );
  }
  let shown = text;
  if (kind === 'json' && !content.truncated) {
    try {
      shown = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // Not valid JSON: shown as it is.
    }
  }
  return (
    <>
      {cut}
      <pre className="artifact-text" data-testid="artifact-text">
        {shown}
      </pre>
    </>
  );
}

/** Browses and previews a run's artifacts. */
export function ArtifactsBrowser() {
  const root = useAppStore((s) => s.runPage.artifactFolders['']);
  const error = useAppStore((s) => s.runPage.artifactsError);
  const preview = useAppStore((s) => s.runPage.artifactPreview);
  if (error && !root) return <p className="error-state">Could not list the artifacts: {error}</p>;
  if (root && root.length === 0) {
    return (
      <p className="empty-state" data-testid="run-artifacts-empty">
        No artifacts. Files logged with mlflow.log_artifact, and models logged with mlflow.&lt;flavor&gt;.log_model, appear here.
      </p>
    );
  }
  return (
    <div className="artifacts-browser">
      <div className="artifact-tree-pane">
        <FolderEntries path="" depth={0} />
      </div>
      <div className="artifact-preview" data-testid="artifact-preview">
        {preview ? (
          <>
            <div className="artifact-preview-header">
              <code>{preview.path}</code>
              <span className="muted">{formatBytes(preview.size)}</span>
              <DownloadButton file={{ path: preview.path, isDir: false, fileSize: preview.size }} />
            </div>
            <PreviewBody preview={preview} />
          </>
        ) : (
          <p className="muted">Choose a file to preview it.</p>
        )}
      </div>
    </div>
  );
}
