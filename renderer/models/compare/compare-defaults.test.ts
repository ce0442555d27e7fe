import { describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/models';
import { defaultParallelAxes, defaultScatterFields, mainMetric, validationMetrics, varyingParams } from './compare-defaults';

/** A run with these params and latest metric values. */
function run(id: string, params: Record<string, string>, metrics: Record<string, number>): Run {
  return {
    info: { runId: id, experimentId: '1', runName: id, status: 'FINISHED', startTime: 0, endTime: 1, lifecycleStage: 'active', userId: '', artifactUri: '', parentRunId: null },
    params: Object.entries(params).map(([key, value]) => ({ key, value })),
    metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, step: 0, timestamp: 0, min: value, max: value })),
    tags: [],
    datasets: [],
    modelOutputs: [],
    modelInputs: [],
  };
}

// A ResNet sweep as a newcomer logs it: a text param first alphabetically, the learning rate varying.
const RESNET = [
  run('a', { arch: 'resnet18', lr: '0.1', batch_size: '128', dataset: 'cifar10' }, { epoch: 9, lr: 0.001, train_loss: 0.31, val_loss: 0.52, val_accuracy: 0.83 }),
  run('b', { arch: 'resnet34', lr: '0.01', batch_size: '128', dataset: 'cifar10' }, { epoch: 9, lr: 0.0001, train_loss: 0.22, val_loss: 0.47, val_accuracy: 0.86 }),
  run('c', { arch: 'resnet18', lr: '0.001', batch_size: '256', dataset: 'cifar10' }, { epoch: 9, lr: 0.00001, train_loss: 0.41, val_loss: 0.58, val_accuracy: 0.8 }),
];

describe('compare defaults', () => {
  it('takes a validation measure of quality as the main metric, not bookkeeping such as lr or epoch', () => {
    expect(mainMetric(RESNET)).toBe('val_accuracy');
    expect(mainMetric([run('x', {}, { accuracy: 0.9, epoch: 3, lr: 0.1 })])).toBe('accuracy');
    expect(mainMetric([run('x', {}, { epoch: 3, loss: 0.2 })])).toBe('loss');
    expect(mainMetric([run('x', {}, {})])).toBeNull();
  });

  it('prefers a metric most runs logged over one a single run logged', () => {
    const runs = [run('a', {}, { loss: 1 }), run('b', {}, { loss: 2 }), run('c', {}, { loss: 3, val_accuracy: 0.5 })];
    expect(mainMetric(runs)).toBe('loss');
  });

  it('lists validation metrics, leaving out their bookkeeping (runtime, samples per second)', () => {
    const hf = [run('a', {}, { eval_loss: 1, eval_accuracy: 0.5, eval_runtime: 3, eval_samples_per_second: 100, loss: 2 })];
    expect(validationMetrics(hf)).toEqual(['eval_accuracy', 'eval_loss']);
    expect(validationMetrics([run('a', {}, { loss: 1, lr: 0.1 })])).toEqual(['loss']);
  });

  it('finds the params that vary, numeric or not; constant ones are left out', () => {
    expect(varyingParams(RESNET).map((param) => [param.key, param.numeric])).toEqual([
      ['arch', false],
      ['batch_size', true],
      ['lr', true],
    ]);
    // A param some runs lack varies too.
    expect(varyingParams([run('a', { momentum: '0.9' }, {}), run('b', {}, {})]).map((param) => param.key)).toEqual(['momentum']);
  });

  it('scatters the numeric param with the most values against the main metric, in run colours', () => {
    expect(defaultScatterFields(RESNET)).toEqual({ x: 'param:lr', y: 'metric:val_accuracy', color: null });
    // Without a numeric param that varies: another metric that does.
    const noParams = [run('a', { opt: 'adam' }, { loss: 1, val_loss: 2 }), run('b', { opt: 'sgd' }, { loss: 3, val_loss: 4 })];
    expect(defaultScatterFields(noParams)).toEqual({ x: 'metric:loss', y: 'metric:val_loss', color: null });
  });

  it('draws the varying params and the validation metrics as parallel axes, the main metric last and colouring the lines', () => {
    expect(defaultParallelAxes(RESNET)).toEqual({
      fields: ['param:arch', 'param:batch_size', 'param:lr', 'metric:val_loss', 'metric:val_accuracy'],
      colorBy: 'metric:val_accuracy',
    });
  });
});
