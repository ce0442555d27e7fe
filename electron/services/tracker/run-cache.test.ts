// The run cache's own rules: bounded by dropping the oldest, and emptied by the changes that may stale it.
import { describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/models';
import { RunCache } from './run-cache';

const run = (runId: string) => ({ info: { runId } }) as unknown as Run;

describe('RunCache', () => {
  it('drops the oldest runs once over capacity', () => {
    const cache = new RunCache(10);
    for (let i = 0; i < 11; i++) cache.set(`r${i}`, run(`r${i}`));
    expect(cache.get('r0')).toBeUndefined();
    expect(cache.get('r1')).toBeUndefined();
    expect(cache.get('r10')?.info.runId).toBe('r10');
    expect(cache.get('r2')?.info.runId).toBe('r2');
  });

  it('forgets a changed run, and everything on a change not tied to one run', () => {
    const cache = new RunCache();
    cache.set('a', run('a'));
    cache.set('b', run('b'));
    cache.forget({ entity: 'tag', experimentId: '0', runId: 'a' });
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBeDefined();
    cache.forget({ entity: 'experiment', experimentId: '0' });
    expect(cache.get('b')).toBeUndefined();
  });
});
