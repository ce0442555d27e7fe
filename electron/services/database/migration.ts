// One schema migration, as each capability lists its own beside its code (tracker/migrations,
// registry/migrations, ...). Versions are global: together they make one ordered history in the
// database, merged in all-migrations.ts. An applied migration's text is checksummed in the
// database, and editing it afterwards is refused when the database opens.
import { createHash } from 'node:crypto';

/** One schema migration; its version is unique across every capability. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** The checksum recorded for an applied migration: SHA-256 of its SQL text, in hex. */
export function migrationChecksum(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex');
}
