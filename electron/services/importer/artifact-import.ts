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
  /**
   * The real path of the source folder when it lies outside the mlruns folder (where MLflow recorded
   * it): symbolic links in it may then point anywhere inside it, too. Null when it is inside.
   */
  readonly outsideFolder: string | null;
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
  async plan(id: string, uri: string | null, ownFolder: string, cairnUri: string, owner: 'run' | 'logged model'): Promise<ArtifactPlan> {
    const plan = await this.decide(uri, ownFolder, cairnUri, owner);
    this.plans.set(id, plan);
    return plan;
  }

  /**
   * Copies the planned folder's files into Cairn's artifact store (in a dry run, only counts them).
   * Symbolic links are followed only where they stay inside the mlruns folder or the source folder
   * (see SourceTree); the others are left out, and the import reports them.
   */
  async copy(plan: ArtifactPlan, subject: string): Promise<void> {
    const { dryRun, report, tree } = this.context;
    const base = plan.cairnUri.startsWith('mlflow-artifacts:') && !dryRun ? storePathOfArtifactUri(plan.cairnUri) : '';
    const within = plan.outsideFolder === null ? [] : [plan.outsideFolder];
    for await (const entry of tree.walk(plan.sourceFolder!, within)) {
      const what = `artifact '${entry.key}' of ${subject}`;
      if (entry.kind !== 'file') {
        report.skip('unsupported', what, entry.path, null, 'not a regular file (a socket, a device or a pipe)');
        continue;
      }
      try {
        parseArtifactRelativePath(entry.key);
      } catch (error) {
        report.skip('unsupported', what, entry.path, null, messageOf(error));
        continue;
      }
      const size = dryRun ? (await fs.promises.stat(entry.path)).size : await this.write(joinArtifactPath(base, entry.key), entry.path);
      report.counters.artifactFiles++;
      report.counters.artifactBytes += size;
    }
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

  private async decide(uri: string | null, ownFolder: string, cairnUri: string, owner: 'run' | 'logged model'): Promise<ArtifactPlan> {
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
        outsideFolder: null,
        originalPath: null,
        skip: { kind: 'remote-artifacts', reason: `the artifacts stay at ${uri} (the imported ${owner} points there): remote artifact stores are not copied` },
      };
    } else if (uri !== null) {
      originalPath = path.isAbsolute(uri) ? uri : path.resolve(path.dirname(this.context.root), uri);
      candidates.push(originalPath);
    }
    candidates.push(fallback);
    let sourceFolder: string | null = null;
    let outsideFolder: string | null = null;
    for (const candidate of candidates) {
      const found = await this.sourceFolderAt(candidate);
      if (found) {
        sourceFolder = candidate;
        outsideFolder = found.outside;
        break;
      }
    }
    if (!cairnUri.startsWith('mlflow-artifacts:')) {
      return {
        cairnUri,
        sourceFolder: null,
        outsideFolder: null,
        originalPath,
        skip: sourceFolder ? { kind: 'unsupported', reason: `the Cairn experiment keeps artifacts at ${cairnUri}, which the importer does not write to` } : null,
      };
    }
    // MLflow makes a run's artifacts folder with the run, but a logged model's only when files are logged to it.
    if (sourceFolder === null && uri !== null && owner === 'run') {
      return { cairnUri, sourceFolder, outsideFolder, originalPath, skip: { kind: 'malformed', reason: `no artifact folder at ${candidates.join(' or ')}` } };
    }
    return { cairnUri, sourceFolder, outsideFolder, originalPath, skip: null };
  }

  /**
   * Whether a candidate is a folder to copy from. Inside the mlruns folder it is read as the tree
   * allows (a link out of it is not followed); a folder elsewhere is where MLflow recorded the
   * artifacts, and is read as it is (`outside`: its real path).
   */
  private async sourceFolderAt(candidate: string): Promise<{ outside: string | null } | null> {
    const relative = path.relative(this.context.root, candidate);
    if (relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))) {
      return (await this.context.tree.kindOf(candidate)) === 'directory' ? { outside: null } : null;
    }
    const stats = await fs.promises.stat(candidate).catch(() => null);
    return stats?.isDirectory() ? { outside: await this.context.tree.realPath(candidate) } : null;
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
