// The deploy capability's schema migrations (deployments, their operations and steps). Append
// only, with versions unused by any other capability (see database/all-migrations.ts).
import type { Migration } from '../../database/migration';
import { deploymentsSql } from './011-deployments';

/** The deploy capability's migrations. */
export const DEPLOY_MIGRATIONS: readonly Migration[] = [{ version: 11, name: 'deployments', sql: deploymentsSql }];
