// The automations capability's schema migrations. Append only, with versions unused by any other
// capability (see database/all-migrations.ts).
import type { Migration } from '../../database/migration';
import { automationsSql } from './015-automations';
import { firingCancelledSql } from './016-firing-cancelled';
import { stepCancelledSql } from './018-step-cancelled';

/** The automations capability's migrations. */
export const AUTOMATION_MIGRATIONS: readonly Migration[] = [
  { version: 15, name: 'automations', sql: automationsSql },
  { version: 16, name: 'firing-cancelled', sql: firingCancelledSql },
  { version: 18, name: 'step-cancelled', sql: stepCancelledSql },
];
