import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref } from './routes';

describe('routes', () => {
  it.each([
    ['', { name: 'experiments' }],
    ['#/', { name: 'experiments' }],
    ['#/experiments/12', { name: 'runs', experimentId: '12' }],
    ['#/runs/abc123', { name: 'run', runId: 'abc123' }],
    ['#/compare?runs=a,b,c', { name: 'compare', runIds: ['a', 'b', 'c'] }],
    ['#/compare?runs=a,,a,b', { name: 'compare', runIds: ['a', 'b'] }],
    ['#/compare', { name: 'compare', runIds: [] }],
    ['#/models', { name: 'models', modelName: null }],
    ['#/models/digits-classifier', { name: 'models', modelName: 'digits-classifier' }],
    ['#/models/team%2Fmodel%20a', { name: 'models', modelName: 'team/model a' }],
    ['#/models/a/b', { name: 'not-found', path: '/models/a/b' }],
    ['#/pipelines', { name: 'pipelines', projectDir: null }],
    ['#/pipelines?project=%2Fhome%2Fme%2Fmy%20project', { name: 'pipelines', projectDir: '/home/me/my project' }],
    ['#/models/team%2Fm/versions/3', { name: 'model-version', modelName: 'team/m', version: '3' }],
    ['#/models/m/versions/x', { name: 'not-found', path: '/models/m/versions/x' }],
    ['#/models/m/compare/1/2', { name: 'model-compare', modelName: 'm', a: '1', b: '2' }],
    ['#/models/m/compare/1', { name: 'not-found', path: '/models/m/compare/1' }],
    ['#/deployments', { name: 'deployments', deploymentName: null }],
    ['#/deployments/digits', { name: 'deployments', deploymentName: 'digits' }],
    ['#/deployments/a/b', { name: 'not-found', path: '/deployments/a/b' }],
    ['#/data', { name: 'data', datasetName: null, versionId: null }],
    ['#/data/orders%20march', { name: 'data', datasetName: 'orders march', versionId: null }],
    ['#/data/orders?version=v-1', { name: 'data', datasetName: 'orders', versionId: 'v-1' }],
    ['#/data/a/b', { name: 'not-found', path: '/data/a/b' }],
    ['#/automations', { name: 'automations', firingId: null }],
    ['#/automations?firing=12', { name: 'automations', firingId: 12 }],
    ['#/automations?firing=x', { name: 'automations', firingId: null }],
    ['#/experiments', { name: 'not-found', path: '/experiments' }],
    ['#/runs/a/b', { name: 'not-found', path: '/runs/a/b' }],
    ['#/runs/%E0%A4%A', { name: 'not-found', path: '/runs/%E0%A4%A' }],
  ])('reads %s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('writes what it reads', () => {
    for (const hash of ['#/', '#/experiments/3', '#/runs/f00', '#/compare?runs=a,b', '#/models', '#/models/team%2Fmodel', '#/models/m/versions/2', '#/models/m/compare/1/2', '#/deployments', '#/deployments/digits', '#/pipelines', '#/pipelines?project=%2Fa%2Fb+c', '#/data', '#/data/team%2Forders', '#/data/orders?version=abc', '#/automations', '#/automations?firing=7']) expect(routeHref(parseRoute(hash))).toBe(hash);
  });
});
