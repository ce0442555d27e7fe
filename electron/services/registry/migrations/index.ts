// The model registry's schema migrations. Append only, with versions unused by any other
// capability (see database/all-migrations.ts).
import type { Migration } from '../../database/migration';
import { modelRegistrySql } from './003-model-registry';

/** The model registry's migrations. */
export const REGISTRY_MIGRATIONS: readonly Migration[] = [{ version: 3, name: 'model-registry', sql: modelRegistrySql }];
