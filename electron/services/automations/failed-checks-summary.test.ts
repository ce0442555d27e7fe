// The one-line summary of a data check in the audit trail: each failing rule's message is a
// sentence ending in a full stop, and joining them must not leave "range.; 86 values".
import { expect, it } from 'vitest';
import type { CheckRuleResult } from '../../../shared/data-models';
import { failedChecks } from './continuous-training-service';

function rule(name: string, passed: boolean, message: string): CheckRuleResult {
  return { name, kind: 'range', column: name, passed, failingCount: passed ? 0 : 1, examples: [], message };
}

it('joins the failing rules’ messages with semicolons, without their full stops', () => {
  const summary = failedChecks({
    rules: [
      rule('tenure: between 0 and 120', false, '55 values are outside the range.'),
      rule('age: not null', false, '86 values are missing.'),
      rule('plan: in [a, b]', true, 'Every value is allowed.'),
    ],
  });
  expect(summary).toBe('2 of 3 checks failed: 55 values are outside the range; 86 values are missing');
  expect(summary).not.toMatch(/\.;|\.\./);
  expect(failedChecks({ rules: [rule('x', true, 'Every value is in the range.')] })).toBe('all 1 checks passed');
});
