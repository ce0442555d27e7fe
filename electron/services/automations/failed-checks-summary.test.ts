// The one-line summary of a data check in the audit trail: each failing rule by its name, with its
// message (a sentence whose full stop is dropped, so that no "range.)" is left); and the reason of a
// firing whose new data failed its checks, built from those summaries.
import { expect, it } from 'vitest';
import type { CheckRuleResult } from '../../../shared/data-models';
import { checksRejectionReason, failedChecks } from './continuous-training-service';

function rule(name: string, passed: boolean, message: string): CheckRuleResult {
  return { name, kind: 'range', column: name, passed, failingCount: passed ? 0 : 1, examples: [], message };
}

it('names each failing rule with its message, joined by semicolons, without their full stops', () => {
  const summary = failedChecks({
    rules: [
      rule('tenure: between 0 and 120', false, '55 values are outside the range.'),
      rule('age: not null', false, '86 values are missing.'),
      rule('plan: in [a, b]', true, 'Every value is allowed.'),
    ],
  });
  expect(summary).toBe('2 of 3 checks failed: tenure: between 0 and 120 (55 values are outside the range); age: not null (86 values are missing)');
  expect(summary).not.toMatch(/\.\)|\.;|\.\./);
  expect(failedChecks({ rules: [rule('x', true, 'Every value is in the range.')] })).toBe('all 1 checks passed');
});

it('writes the reason of new data rejected by its checks with one bracket per clause', () => {
  const summary = failedChecks({ rules: [rule('tenure_months: between 0 and 600', false, '55 values are outside the range.'), rule('monthly_charges: not null', false, '86 values are missing.')] });
  const reason = checksRejectionReason([{ detail: summary }]);
  expect(reason).toBe(
    'the new data failed its required checks: 2 of 2 checks failed: tenure_months: between 0 and 600 (55 values are outside the range); monthly_charges: not null (86 values are missing) — nothing was trained, production did not change',
  );
  expect(reason).not.toContain('))');
});
