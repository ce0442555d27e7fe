// Column kinds as Evidently 0.7 infers them from the current data (evidently/core/datasets.py,
// infer_column_type), mapped onto the types DuckDB reads: floats are numeric; integers with at
// most 10 distinct values are categorical, more are numeric; strings are text when their distinct
// values exceed half the non-missing count, else categorical; booleans are categorical; dates and
// timestamps are datetimes (not drift-tested). pandas reads an integer column with missing values
// as floats, and a column with no value at all as floats too, so both are numeric, as Evidently
// sees them in a DataFrame read from the same file.
import type { DriftColumnKind, DriftTestName } from '../../../../shared/data-models';
import type { StorageClass } from '../engine/table-profiler';

/** Integers with at most this many distinct values are categorical. */
export const INTEGER_CARDINALITY_LIMIT = 10;

/** What the kind of a column is inferred from: the current data's storage and counts. */
export interface KindEvidence {
  readonly storage: StorageClass;
  readonly present: number;
  readonly missing: number;
  /** Distinct non-missing values (needed for integers and strings). */
  readonly distinct: number;
}

/** The kind Evidently 0.7 gives a column of the current data. */
export function inferDriftKind(evidence: KindEvidence): DriftColumnKind {
  switch (evidence.storage) {
    case 'float':
      return 'num';
    case 'integer':
      if (evidence.missing > 0) return 'num';
      return evidence.distinct <= INTEGER_CARDINALITY_LIMIT ? 'cat' : 'num';
    case 'boolean':
      return 'cat';
    case 'string':
      if (evidence.present === 0) return 'num';
      return evidence.distinct > evidence.present * 0.5 ? 'text' : 'cat';
    case 'datetime':
      return 'datetime';
    default:
      return 'unknown';
  }
}

/** The test Evidently picks by default, from the reference's cleaned size n and the distinct values u of both sides. */
export function defaultDriftTest(kind: 'num' | 'cat', referenceValues: number, distinctValues: number): DriftTestName {
  if (referenceValues <= 1000) {
    if (kind === 'num' && distinctValues > 5) return 'ks';
    return distinctValues > 2 ? 'chisquare' : 'z';
  }
  if (kind === 'num' && distinctValues > 5) return 'wasserstein';
  return 'jensenshannon';
}

/** Evidently's default threshold of each test. */
export const DEFAULT_THRESHOLDS: Readonly<Record<DriftTestName, number>> = {
  ks: 0.05,
  chisquare: 0.05,
  z: 0.05,
  wasserstein: 0.1,
  jensenshannon: 0.1,
  psi: 0.1,
  kl_div: 0.1,
};

/** Whether a score means drift: p-values at or below (ks) or below (chisquare, z) the threshold; distances at or above it. */
export function isDrift(test: DriftTestName, score: number, threshold: number): boolean {
  if (test === 'ks') return score <= threshold;
  if (test === 'chisquare' || test === 'z') return score < threshold;
  return score >= threshold;
}

/** Which kinds each test applies to (Evidently's allowed feature types; ks and wasserstein are numeric only). */
export function testAppliesTo(test: DriftTestName, kind: 'num' | 'cat'): boolean {
  if (test === 'ks' || test === 'wasserstein') return kind === 'num';
  return true;
}
