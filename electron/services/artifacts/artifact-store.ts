// The artifact store interface: files of runs and logged models, addressed either by their path
// below the store's root (what follows mlflow-artifacts:/, as the proxied artifact API sends it)
// or by an artifact URI and a path relative to it (as the UI asks for a run's files).
import type { Readable } from 'node:stream';
import type { ArtifactFileInfo } from '../../../shared/models';

/** An open artifact file, ready to be streamed. */
export interface ArtifactReadHandle {
  readonly stream: Readable;
  /** Size in bytes when opened. */
  readonly size: number;
  /** The file's own name (last path segment). */
  readonly fileName: string;
}

/** The first bytes of an artifact file, for previews. */
export interface ArtifactPreview {
  readonly path: string;
  /** The file's whole size in bytes. */
  readonly size: number;
  readonly bytes: Buffer;
  /** Whether the file is longer than what was read. */
  readonly truncated: boolean;
}

/** Where artifact files live. Paths are checked: nothing outside the root is ever read or written. */
export interface ArtifactStore {
  /** Entries directly under a store path, by name; [] when it is missing or a file (as MLflow answers). */
  list(storePath: string): Promise<ArtifactFileInfo[]>;
  /** The entry at a store path, or null when there is none. */
  stat(storePath: string): Promise<ArtifactFileInfo | null>;
  /** Opens a file for streaming; RESOURCE_DOES_NOT_EXIST when missing, INVALID_PARAMETER_VALUE for a folder. */
  openRead(storePath: string): Promise<ArtifactReadHandle>;
  /** Streams `body` to a file; a partial upload never appears under the root. Resolves to the bytes written. */
  write(storePath: string, body: Readable): Promise<number>;
  /** Deletes a file or a folder with its contents; nothing happens when it is missing. */
  delete(storePath: string): Promise<void>;

  /** A run's or logged model's entries under `path` (relative to `artifactUri`), with paths relative to `artifactUri`. */
  listArtifacts(artifactUri: string, path?: string): Promise<ArtifactFileInfo[]>;
  /** The entry at `path` (relative to `artifactUri`), or null when there is none. */
  statArtifact(artifactUri: string, path: string): Promise<ArtifactFileInfo | null>;
  /** Up to `maxBytes` from the start of an artifact file. */
  readArtifactPreview(artifactUri: string, path: string, maxBytes: number): Promise<ArtifactPreview>;
  /** Opens an artifact file for streaming (a download, a viewer). */
  openArtifact(artifactUri: string, path: string): Promise<ArtifactReadHandle>;
  /** The absolute local path of an existing artifact file or folder (to reveal it in the OS's file manager). */
  artifactFilePath(artifactUri: string, path: string): Promise<string>;
}
