// A step's verdict, read from the firing's record: the checks step whose required checks failed and
// the gate step whose gate refused the candidate both ran to their end (they are `succeeded` as
// work), but what they decided stopped the firing. The record's gate holds that decision.
import type { FiringGate, FiringStep, FiringStepVerdict } from '../../../shared/automation-models';

/** The negative verdict of a step that succeeded as work, from the firing's gate; null for any other step. */
export function stepVerdict(step: Pick<FiringStep, 'name' | 'outcome'>, gate: FiringGate | null): FiringStepVerdict | null {
  if (step.outcome !== 'succeeded' || !gate) return null;
  if (step.name === 'checks' && gate.rules.some((rule) => rule.kind === 'checks' && !rule.passed)) return 'checks-failed';
  if (step.name === 'gate' && !gate.passed) return 'gate-rejected';
  return null;
}
