// The data capability's schema migrations (datasets, versions, profiles, drift reports, drift
// settings). Append only, with versions unused by any other capability (see database/all-migrations.ts).
import type { Migration } from '../../database/migration';
import { dataCatalogSql } from './010-data-catalog';
import { driftSettingsSql } from './017-drift-settings';

/** The data capability's migrations. */
export const DATA_MIGRATIONS: readonly Migration[] = [
  { version: 10, name: 'data-catalog', sql: dataCatalogSql },
  { version: 17, name: 'drift-settings', sql: driftSettingsSql },
];
