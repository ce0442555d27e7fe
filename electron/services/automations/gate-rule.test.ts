import { describe, expect, it } from 'vitest';
import { evaluateGateRule, GateRuleError, parseGateRule } from './gate-rule';

describe('gate rules', () => {
  it('compares the candidate with production plus a margin and records every value', () => {
    const rule = parseGateRule('metrics.auc >= production + 0.005');
    const met = evaluateGateRule(rule, { auc: 0.93 }, { auc: 0.92 });
    expect(met.passed).toBe(true);
    expect(met.values.candidate).toBe(0.93);
    expect(met.values.production).toBe(0.92);
    expect(met.values.threshold).toBeCloseTo(0.925);
    expect(evaluateGateRule(rule, { auc: 0.924 }, { auc: 0.92 }).passed).toBe(false);
  });

  it('reads absolute thresholds, production.metrics and arithmetic with precedence', () => {
    expect(evaluateGateRule(parseGateRule('metrics.latency_ms <= 20'), { latency_ms: 25 }, null).passed).toBe(false);
    const rule = parseGateRule('metrics.rmse < production.metrics.rmse * (1 - 0.02)');
    expect(evaluateGateRule(rule, { rmse: 0.97 }, { rmse: 1 }).passed).toBe(true);
    expect(evaluateGateRule(rule, { rmse: 0.99 }, { rmse: 1 }).passed).toBe(false);
  });

  it('fails a rule whose metric was not measured, and passes a production comparison when there is no production yet', () => {
    const rule = parseGateRule('metrics.auc >= production');
    expect(evaluateGateRule(rule, { auc: null }, { auc: 0.9 }).passed).toBe(false);
    const first = evaluateGateRule(rule, { auc: 0.8 }, null);
    expect(first.passed).toBe(true);
    expect(first.detail).toMatch(/no production model yet/);
  });

  it('says where a rule is wrong', () => {
    const error = (text: string) => {
      try {
        parseGateRule(text);
      } catch (caught) {
        expect(caught).toBeInstanceOf(GateRuleError);
        return (caught as GateRuleError).message;
      }
      throw new Error('expected an error');
    };
    expect(error('metrics.auc = 0.9')).toMatch(/column 13: '=' alone is not a comparison/);
    expect(error('production >= metrics.auc')).toMatch(/column 1/);
    expect(error('metrics.auc >= (production + 1')).toMatch(/expected '\)'/);
  });
});
