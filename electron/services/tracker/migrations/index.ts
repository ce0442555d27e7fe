// The ordered list of schema migrations. Append only: an applied migration's text is
// checksummed in the database, and editing it afterwards is refused when the database opens.
import { trackerCoreSql } from './001-tracker-core';

/** One schema migration; versions are consecutive from 1. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration, in the order they are applied. */
export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'tracker-core', sql: trackerCoreSql }];
