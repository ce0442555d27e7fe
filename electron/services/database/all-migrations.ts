// The merge point of every capability's migrations: one line per capability. They make one
// ordered history in the database; a version may be used once only.
import { AUTOMATION_MIGRATIONS } from '../automations/migrations';
import { DATA_MIGRATIONS } from '../data/migrations';
import { DEPLOY_MIGRATIONS } from '../deploy/migrations';
import { LOGGED_MODEL_MIGRATIONS } from '../logged-models/migrations';
import { PIPELINE_MIGRATIONS } from '../pipelines/migrations';
import { REGISTRY_MIGRATIONS } from '../registry/migrations';
import { TRACKER_MIGRATIONS } from '../tracker/migrations';
import type { Migration } from './migration';

/** Merges capabilities' migrations into one list in version order; throws when two share a version. */
export function mergeMigrations(lists: ReadonlyArray<readonly Migration[]>): Migration[] {
  const byVersion = new Map<number, Migration>();
  for (const migration of lists.flat()) {
    if (!Number.isSafeInteger(migration.version) || migration.version < 1) {
      throw new Error(`Migration '${migration.name}' has version ${migration.version}; versions are whole numbers from 1.`);
    }
    const taken = byVersion.get(migration.version);
    if (taken) {
      throw new Error(`Migrations '${taken.name}' and '${migration.name}' both have version ${migration.version}; give the newer one an unused version.`);
    }
    byVersion.set(migration.version, migration);
  }
  return [...byVersion.values()].sort((a, b) => a.version - b.version);
}

/** Every migration of every capability, in the order they are applied. */
export const ALL_MIGRATIONS: readonly Migration[] = mergeMigrations([
  TRACKER_MIGRATIONS,
  REGISTRY_MIGRATIONS,
  LOGGED_MODEL_MIGRATIONS,
  DATA_MIGRATIONS,
  DEPLOY_MIGRATIONS,
  PIPELINE_MIGRATIONS,
  AUTOMATION_MIGRATIONS,
]);
