// The data catalog in the tracker's SQLite database (migrations 10 and 17). Rows become plain entities
// here and never leave; profiles and drift reports are stored as JSON text.
import { randomUUID } from 'node:crypto';
import type { DatasetOrigin, DatasetProfile, DatasetSummary, DatasetVersion, DriftOptions, DriftReport } from '../../../shared/data-models';
import { CairnError } from '../../../shared/errors';
import type { CairnDatabase, SqliteDatabase } from '../database/database';
import type { DataStore, DataStoreChange, VersionInput } from './data-store';
import type { TableFiles } from './table-files';

interface VersionRow {
  version_id: string;
  dataset_id: string;
  dataset_name: string;
  digest: string;
  path: string;
  format: DatasetVersion['format'];
  gzip: number;
  files: string;
  bytes: number;
  created_time: number;
  profiled: number;
}

interface OriginRow {
  version_id: string;
  kind: DatasetOrigin['kind'];
  run_uuid: string | null;
  detail: string | null;
  time: number;
}

interface DatasetRow {
  dataset_id: string;
  name: string;
  created_time: number;
  version_count: number;
  latest_version_id: string | null;
  latest_rows: number | null;
  latest_column_count: number | null;
  latest_profiled_time: number | null;
  run_ids: string | null;
}

const VERSION_COLUMNS = `v.version_id, v.dataset_id, d.name AS dataset_name, v.digest, v.path, v.format, v.gzip, v.files, v.bytes,
  v.created_time, EXISTS (SELECT 1 FROM data_profiles p WHERE p.version_id = v.version_id) AS profiled`;

/** The data catalog over an open tracker database. */
export class SqliteDataStore implements DataStore {
  private readonly listeners = new Set<(change: DataStoreChange) => void>();

  private readonly db: SqliteDatabase;

  /** Keeps its tables in `database`, which it neither opens nor closes; every write goes through database.write. */
  constructor(private readonly database: CairnDatabase) {
    this.db = database.connection;
  }

  recordVersion(input: VersionInput, origin: Omit<DatasetOrigin, 'time'>): DatasetVersion {
    const name = input.datasetName.trim();
    if (!name) throw new CairnError('INVALID_PARAMETER_VALUE', 'A dataset needs a name.');
    const now = Date.now();
    const versionId = this.database.write(() => {
      let dataset = this.db.prepare('SELECT dataset_id FROM data_datasets WHERE name = ?').get(name) as { dataset_id: string } | undefined;
      if (!dataset) {
        dataset = { dataset_id: randomUUID().replaceAll('-', '') };
        this.db.prepare('INSERT INTO data_datasets (dataset_id, name, created_time) VALUES (?, ?, ?)').run(dataset.dataset_id, name, now);
      }
      const known = this.db
        .prepare('SELECT version_id FROM data_versions WHERE dataset_id = ? AND digest = ?')
        .get(dataset.dataset_id, input.digest) as { version_id: string } | undefined;
      const id = known?.version_id ?? randomUUID().replaceAll('-', '');
      const files = JSON.stringify(input.files.files);
      if (known) {
        this.db
          .prepare('UPDATE data_versions SET path = ?, format = ?, gzip = ?, files = ?, bytes = ?, last_seen_time = ? WHERE version_id = ?')
          .run(input.files.root, input.files.format, input.files.gzip ? 1 : 0, files, input.files.bytes, now, id);
      } else {
        this.db
          .prepare(
            `INSERT INTO data_versions (version_id, dataset_id, digest, path, format, gzip, files, bytes, created_time, last_seen_time)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(id, dataset.dataset_id, input.digest, input.files.root, input.files.format, input.files.gzip ? 1 : 0, files, input.files.bytes, now, now);
      }
      this.insertOrigin(id, origin, now);
      return id;
    });
    const version = this.getVersion(versionId);
    this.emit({ entity: 'dataset', datasetId: version.datasetId, versionId });
    return version;
  }

  addOrigin(versionId: string, origin: Omit<DatasetOrigin, 'time'>): void {
    const version = this.getVersion(versionId);
    this.database.write(() => this.insertOrigin(versionId, origin, Date.now()));
    this.emit({ entity: 'dataset', datasetId: version.datasetId, versionId });
  }

  listDatasets(): DatasetSummary[] {
    const rows = this.db.prepare(`${DATASET_QUERY} ORDER BY d.name`).all() as DatasetRow[];
    return rows.map((row) => this.toSummary(row));
  }

  findDataset(nameOrId: string): DatasetSummary | null {
    const row = this.db.prepare(`${DATASET_QUERY} WHERE d.name = ? OR d.dataset_id = ?`).get(nameOrId, nameOrId) as DatasetRow | undefined;
    return row ? this.toSummary(row) : null;
  }

  listVersions(datasetId: string): DatasetVersion[] {
    const rows = this.db
      .prepare(`SELECT ${VERSION_COLUMNS} FROM data_versions v JOIN data_datasets d USING (dataset_id) WHERE v.dataset_id = ? ORDER BY v.created_time, v.rowid`)
      .all(datasetId) as VersionRow[];
    return this.withOrigins(rows);
  }

  getVersion(versionId: string): DatasetVersion {
    const row = this.db
      .prepare(`SELECT ${VERSION_COLUMNS} FROM data_versions v JOIN data_datasets d USING (dataset_id) WHERE v.version_id = ?`)
      .get(versionId) as VersionRow | undefined;
    if (!row) throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No dataset version with id ${versionId}.`);
    return this.withOrigins([row])[0]!;
  }

  knownDigest(files: TableFiles): { digest: string; datasetName: string } | null {
    const wanted = JSON.stringify(files.files);
    const rows = this.db
      .prepare('SELECT v.digest, v.files, d.name FROM data_versions v JOIN data_datasets d USING (dataset_id) WHERE v.path = ? ORDER BY v.last_seen_time DESC')
      .all(files.root) as Array<{ digest: string; files: string; name: string }>;
    const row = rows.find((candidate) => candidate.files === wanted);
    return row ? { digest: row.digest, datasetName: row.name } : null;
  }

  versionsOfRun(runId: string): DatasetVersion[] {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT ${VERSION_COLUMNS} FROM data_versions v JOIN data_datasets d USING (dataset_id)
         JOIN data_origins o ON o.version_id = v.version_id WHERE o.run_uuid = ? ORDER BY d.name`,
      )
      .all(runId) as VersionRow[];
    return this.withOrigins(rows);
  }

  saveProfile(versionId: string, profile: DatasetProfile): void {
    const version = this.getVersion(versionId);
    this.database.write(() =>
      this.db
        .prepare('INSERT INTO data_profiles (version_id, profile, created_time) VALUES (?, ?, ?) ON CONFLICT (version_id) DO UPDATE SET profile = excluded.profile, created_time = excluded.created_time')
        .run(versionId, JSON.stringify(profile), Date.now()),
    );
    this.emit({ entity: 'dataset', datasetId: version.datasetId, versionId });
  }

  getProfile(versionId: string): DatasetProfile | null {
    const row = this.db.prepare('SELECT profile FROM data_profiles WHERE version_id = ?').get(versionId) as { profile: string } | undefined;
    return row ? (JSON.parse(row.profile) as DatasetProfile) : null;
  }

  saveDriftReport(referenceVersionId: string, currentVersionId: string, options: string, report: DriftReport): void {
    const version = this.getVersion(currentVersionId);
    this.database.write(() =>
      this.db
        .prepare(
          `INSERT INTO data_drift_reports (reference_version_id, current_version_id, options, report, created_time) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (reference_version_id, current_version_id, options) DO UPDATE SET report = excluded.report, created_time = excluded.created_time`,
        )
        .run(referenceVersionId, currentVersionId, options, JSON.stringify(report), Date.now()),
    );
    this.emit({ entity: 'dataset', datasetId: version.datasetId, versionId: currentVersionId });
  }

  getDriftReport(referenceVersionId: string, currentVersionId: string, options: string): DriftReport | null {
    const row = this.db
      .prepare('SELECT report FROM data_drift_reports WHERE reference_version_id = ? AND current_version_id = ? AND options = ?')
      .get(referenceVersionId, currentVersionId, options) as { report: string } | undefined;
    return row ? (JSON.parse(row.report) as DriftReport) : null;
  }

  getDriftSettings(datasetId: string): DriftOptions | null {
    const row = this.db.prepare('SELECT settings FROM data_drift_settings WHERE dataset_id = ?').get(datasetId) as { settings: string } | undefined;
    return row ? (JSON.parse(row.settings) as DriftOptions) : null;
  }

  setDriftSettings(datasetId: string, settings: DriftOptions | null): void {
    const known = this.db.prepare('SELECT 1 FROM data_datasets WHERE dataset_id = ?').get(datasetId);
    if (!known) throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No dataset with id ${datasetId}.`);
    this.database.write(() => {
      if (settings === null) this.db.prepare('DELETE FROM data_drift_settings WHERE dataset_id = ?').run(datasetId);
      else {
        this.db
          .prepare(
            `INSERT INTO data_drift_settings (dataset_id, settings, updated_time) VALUES (?, ?, ?)
             ON CONFLICT (dataset_id) DO UPDATE SET settings = excluded.settings, updated_time = excluded.updated_time`,
          )
          .run(datasetId, JSON.stringify(settings), Date.now());
      }
    });
    this.emit({ entity: 'dataset', datasetId });
  }

  onChange(listener: (change: DataStoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private insertOrigin(versionId: string, origin: Omit<DatasetOrigin, 'time'>, time: number): void {
    this.db
      .prepare('INSERT OR IGNORE INTO data_origins (version_id, kind, run_uuid, detail, time) VALUES (?, ?, ?, ?, ?)')
      .run(versionId, origin.kind, origin.runId, origin.detail, time);
  }

  private toSummary(row: DatasetRow): DatasetSummary {
    return {
      datasetId: row.dataset_id,
      name: row.name,
      createdTime: row.created_time,
      versionCount: row.version_count,
      latestVersion: row.latest_version_id ? this.getVersion(row.latest_version_id) : null,
      latestProfile:
        row.latest_rows === null || row.latest_column_count === null || row.latest_profiled_time === null
          ? null
          : { rows: row.latest_rows, columnCount: row.latest_column_count, profiledTime: row.latest_profiled_time },
      runIds: row.run_ids ? (JSON.parse(row.run_ids) as string[]) : [],
    };
  }

  private withOrigins(rows: readonly VersionRow[]): DatasetVersion[] {
    const origins = this.db.prepare('SELECT version_id, kind, run_uuid, detail, time FROM data_origins WHERE version_id = ? ORDER BY time, rowid');
    return rows.map((row) => ({
      versionId: row.version_id,
      datasetId: row.dataset_id,
      datasetName: row.dataset_name,
      digest: row.digest,
      path: row.path,
      format: row.format,
      gzip: row.gzip === 1,
      files: JSON.parse(row.files) as DatasetVersion['files'],
      bytes: row.bytes,
      createdTime: row.created_time,
      profiled: row.profiled === 1,
      origins: (origins.all(row.version_id) as OriginRow[]).map((origin) => ({
        kind: origin.kind,
        runId: origin.run_uuid,
        detail: origin.detail,
        time: origin.time,
      })),
    }));
  }

  private emit(change: DataStoreChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

const LATEST_VERSION = `(SELECT v.version_id FROM data_versions v WHERE v.dataset_id = d.dataset_id ORDER BY v.last_seen_time DESC, v.rowid DESC LIMIT 1)`;

const DATASET_QUERY = `SELECT d.dataset_id, d.name, d.created_time,
  (SELECT count(*) FROM data_versions v WHERE v.dataset_id = d.dataset_id) AS version_count,
  ${LATEST_VERSION} AS latest_version_id,
  (SELECT json_extract(p.profile, '$.rows') FROM data_profiles p WHERE p.version_id = ${LATEST_VERSION}) AS latest_rows,
  (SELECT json_extract(p.profile, '$.columnCount') FROM data_profiles p WHERE p.version_id = ${LATEST_VERSION}) AS latest_column_count,
  (SELECT json_extract(p.profile, '$.profiledTime') FROM data_profiles p WHERE p.version_id = ${LATEST_VERSION}) AS latest_profiled_time,
  (SELECT json_group_array(run_uuid) FROM (
     SELECT o.run_uuid FROM data_origins o JOIN data_versions v ON v.version_id = o.version_id
     WHERE v.dataset_id = d.dataset_id AND o.run_uuid IS NOT NULL GROUP BY o.run_uuid ORDER BY max(o.time) DESC)) AS run_ids
  FROM data_datasets d`;
