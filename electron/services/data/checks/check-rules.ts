// The rules a checks file holds, once parsed: plain data, so that they cross to the engine worker.
import type { ColumnDriftChoice } from '../../../../shared/data-models';

/** The column types a checks file can require. */
export type ExpectedColumnType = 'numeric' | 'integer' | 'float' | 'string' | 'boolean' | 'datetime';

/** Every type a checks file may name. */
export const EXPECTED_COLUMN_TYPES: readonly ExpectedColumnType[] = ['numeric', 'integer', 'float', 'string', 'boolean', 'datetime'];

/** A bound of a range: a number, or for datetime columns a date or timestamp as text. */
export type RangeBound = number | string;

/** One rule. `name` is what the report shows. */
export type CheckRule =
  | { readonly kind: 'column-present'; readonly name: string; readonly column: string }
  | { readonly kind: 'column-type'; readonly name: string; readonly column: string; readonly type: ExpectedColumnType }
  | { readonly kind: 'not-null'; readonly name: string; readonly column: string }
  | { readonly kind: 'max-missing'; readonly name: string; readonly column: string; readonly share: number }
  | { readonly kind: 'unique'; readonly name: string; readonly column: string }
  | {
      readonly kind: 'range';
      readonly name: string;
      readonly column: string;
      readonly min: RangeBound | null;
      readonly max: RangeBound | null;
    }
  | { readonly kind: 'allowed-values'; readonly name: string; readonly column: string; readonly values: readonly (string | number | boolean)[] }
  | { readonly kind: 'pattern'; readonly name: string; readonly column: string; readonly pattern: string }
  | { readonly kind: 'row-count'; readonly name: string; readonly column: null; readonly min: number | null; readonly max: number | null }
  | { readonly kind: 'sql'; readonly name: string; readonly column: null; readonly predicate: string }
  | {
      readonly kind: 'no-drift';
      readonly name: string;
      readonly column: null;
      /** Only these columns (default: all). */
      readonly columns: readonly string[] | null;
      readonly tests: Readonly<Record<string, ColumnDriftChoice>>;
      /** The rule fails when drifted / tested columns ≥ this share. */
      readonly driftShare: number;
    };

/** A parsed checks file. */
export interface ChecksFile {
  readonly rules: readonly CheckRule[];
  /** The reference named in the file (relative paths resolved against the file's folder). */
  readonly reference: string | null;
}
