// The one-line summary of a data check in the audit trail: each failing rule by its name, with its
// message (a sentence whose full stop is dropped, so that no "range.)" is left).
import { expect, it } from 'vitest';
import type { CheckRuleResult } from '../../../shared/data-models';
import { failedChecks } from './continuous-training-service';

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
