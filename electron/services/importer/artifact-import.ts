// The artifact files of runs and logged models: where they come from (the local folder MLflow
// recorded, else the one inside the run's or model's own folder), the artifact URI they get in
// Cairn, copying them, and mapping a registered model version's local source onto Cairn's copy.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { joinArtifactPath, parseArtifactRelativePath, storePathOfArtifactUri } from '../artifacts/artifact-path';
import { messageOf, type ImportContext, type TargetExperiment } from './import-context';
import type { ImportSkipKind } from './mlflow-file-store-importer';
import type { MlflowModelVersion } from './mlflow-file-store-reader';

/** Where a run's or logged model's artifacts come from and go to. */
export interface ArtifactPlan {
  /** The imported run's or logged model's artifact URI. */
  readonly cairnUri: string;
  /** The local folder to copy from; null when there is nothing to copy. */
  readonly sourceFolder: string | null;
  /** The local path the source's artifact_uri named, which registered model sources may point into. */
  readonly originalPath: string | null;
  readonly skip: { readonly kind: ImportSkipKind; readonly reason: string } | null;
}

/** The artifact URI of `relative` under the target experiment's artifact location (a placeholder for one a dry run would create). */
export function artifactUriIn(target: TargetExperiment, relative: string): string {
  const location = target.artifactLocation ?? 'mlflow-artifacts:/<new experiment>';
  return `${location.replace(/\/+$/, '')}/${relative}`;
}

/** The artifacts of one import: a plan per run and logged model, the copies, and the model sources that point into them. */
export class ArtifactImport {
  /** Plans of runs and logged models, by run id or model id (which never collide: a model id starts with 'm-'). */
  private readonly plans = new Map<string, ArtifactPlan>();

  constructor(private readonly context: ImportContext) {}

  /**
   * Decides where the artifacts of the run or logged model `id` come from (a local folder: where
   * `uri`, the location MLflow recorded, points, else the artifacts folder inside `ownFolder`) and
   * which artifact URI it gets in Cairn (`cairnUri`, unless its files stay in a remote store).
   */
  plan(id: string, uri: string | null, ownFolder: string, cairnUri: string, owner: 'run' | 'logged model'): ArtifactPlan {
    const plan = this.decide(uri, ownFolder, cairnUri, owner);
    this.plans.set(id, plan);
    return plan;
  }

  /** Copies the planned folder's files into Cairn's artifact store (in a dry run, only counts them). */
  async copy(plan: ArtifactPlan, subject: string): Promise<void> {
    const { dryRun, report } = this.context;
    const base = plan.cairnUri.startsWith('mlflow-artifacts:') && !dryRun ? storePathOfArtifactUri(plan.cairnUri) : '';
    const walk = async (folder: string, relative: string): Promise<void> => {
      const entries = await fs.promises.readdir(folder, { withFileTypes: true });
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const full = path.join(folder, entry.name);
        const child = relative ? `${relative}/${entry.name}` : entry.name;
        const stats = entry.isSymbolicLink() ? await fs.promises.stat(full).catch(() => null) : null;
        if (entry.isDirectory()) {
          await walk(full, child);
        } else if (entry.isFile() || stats?.isFile()) {
          try {
            parseArtifactRelativePath(child);
          } catch (error) {
            report.skip('unsupported', `artifact '${child}' of ${subject}`, full, null, messageOf(error));
            continue;
          }
          const size = dryRun ? (await fs.promises.stat(full)).size : await this.write(joinArtifactPath(base, child), full);
          report.counters.artifactFiles++;
          report.counters.artifactBytes += size;
        } else {
          report.skip('unsupported', `artifact '${child}' of ${subject}`, full, null, 'not a regular file (a folder symlink, a socket or a device)');
        }
      }
    };
    await walk(plan.sourceFolder!, '');
  }

  /** A model source inside the local artifact folder of the version's imported run or logged model, as the same place in Cairn's copy. */
  mapModelSource(source: string, version: MlflowModelVersion): string {
    let local: string;
    try {
      local = source.startsWith('file:') ? fileURLToPath(source) : source;
    } catch {
      return source;
    }
    if (!path.isAbsolute(local)) return source;
    for (const id of [version.runId, version.modelId]) {
      const plan = id === null ? undefined : this.plans.get(id);
      if (!plan?.sourceFolder || !plan.cairnUri.startsWith('mlflow-artifacts:')) continue;
      for (const folder of [plan.originalPath, plan.sourceFolder]) {
        if (folder === null) continue;
        const relative = path.relative(folder, local);
        if (relative === '') return plan.cairnUri;
        if (!relative.startsWith('..') && !path.isAbsolute(relative)) return `${plan.cairnUri}/${relative.split(path.sep).join('/')}`;
      }
    }
    return source;
  }

  private decide(uri: string | null, ownFolder: string, cairnUri: string, owner: 'run' | 'logged model'): ArtifactPlan {
    const fallback = path.join(ownFolder, 'artifacts');
    const scheme = uri === null ? null : /^([a-zA-Z][a-zA-Z0-9+.-]+):/.exec(uri)?.[1]?.toLowerCase() ?? null;
    let originalPath: string | null = null;
    const candidates: string[] = [];
    if (uri !== null && scheme === 'file') {
      try {
        originalPath = fileURLToPath(uri);
        candidates.push(originalPath);
      } catch {
        // A file URI of another machine (a host, a drive letter): only the fallback can hold the files.
      }
    } else if (uri !== null && scheme === 'mlflow-artifacts') {
      // An MLflow server with proxied artifacts keeps them in ./mlartifacts beside ./mlruns by default.
      const storePath = uri.replace(/^mlflow-artifacts:(\/\/[^/]*)?\/*/, '');
      candidates.push(path.join(path.dirname(this.context.root), 'mlartifacts', ...storePath.split('/')));
    } else if (uri !== null && scheme !== null) {
      return {
        cairnUri: uri,
        sourceFolder: null,
        originalPath: null,
        skip: { kind: 'remote-artifacts', reason: `the artifacts stay at ${uri} (the imported ${owner} points there): remote artifact stores are not copied` },
      };
    } else if (uri !== null) {
      originalPath = path.isAbsolute(uri) ? uri : path.resolve(path.dirname(this.context.root), uri);
      candidates.push(originalPath);
    }
    candidates.push(fallback);
    const sourceFolder = candidates.find((candidate) => isDirectory(candidate)) ?? null;
    if (!cairnUri.startsWith('mlflow-artifacts:')) {
      return {
        cairnUri,
        sourceFolder: null,
        originalPath,
        skip: sourceFolder ? { kind: 'unsupported', reason: `the Cairn experiment keeps artifacts at ${cairnUri}, which the importer does not write to` } : null,
      };
    }
    // MLflow makes a run's artifacts folder with the run, but a logged model's only when files are logged to it.
    if (sourceFolder === null && uri !== null && owner === 'run') {
      return { cairnUri, sourceFolder, originalPath, skip: { kind: 'malformed', reason: `no artifact folder at ${candidates.join(' or ')}` } };
    }
    return { cairnUri, sourceFolder, originalPath, skip: null };
  }

  private async write(storePath: string, file: string): Promise<number> {
    const body = fs.createReadStream(file);
    try {
      return await this.context.options.artifacts!.write(storePath, body);
    } finally {
      body.destroy();
    }
  }
}

function isDirectory(folder: string): boolean {
  try {
    return fs.statSync(folder).isDirectory();
  } catch {
    return false;
  }
}
