// Drift reports on CSV files against the ones Evidently's rules give on the same files (restated
// with scipy in fixtures/make-fixtures.py): kinds, tests, scores, verdicts and the dataset's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DriftOptions, DriftTestName } from '../../../../shared/data-models';
import { compareFiles } from '../data-service';
import { DataEngine } from '../engine/data-engine';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

interface ExpectedColumn {
  column: string;
  type: string;
  test: DriftTestName | null;
  score: number | null;
  threshold: number | null;
  drift: boolean;
}
interface ExpectedCase {
  reference: string;
  current: string;
  choices: Record<string, { test: DriftTestName; threshold?: number }>;
  report: { columns: ExpectedColumn[]; dataset: { drifted_columns: number; share: number; drift: boolean } };
}
const cases = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'expected-drift.json'), 'utf8')) as Record<string, ExpectedCase>;

const engine = new DataEngine();
afterAll(() => engine.close());

describe('drift against Evidently on the same files', () => {
  for (const [name, expected] of Object.entries(cases)) {
    it(`matches Evidently's columns and verdict (${name})`, async () => {
      const options: DriftOptions = Object.keys(expected.choices).length ? { columns: expected.choices } : {};
      const report = await compareFiles(engine, path.join(FIXTURES, expected.reference), path.join(FIXTURES, expected.current), options);
      expect(report.columns.map((column) => column.column)).toEqual(expected.report.columns.map((column) => column.column));
      for (const want of expected.report.columns) {
        const got = report.columns.find((column) => column.column === want.column)!;
        expect(got.kind, want.column).toBe(want.type);
        expect(got.test, want.column).toBe(want.test);
        expect(got.threshold, want.column).toBe(want.threshold);
        expect(got.drift, want.column).toBe(want.drift);
        if (want.score === null) {
          expect(got.score, want.column).toBeNull();
          expect(got.reason, want.column).toMatch(/\w/);
        } else if (want.score < 1e-300) {
          expect(got.score!, want.column).toBeLessThan(1e-290);
        } else {
          expect(Math.abs(got.score! - want.score) / want.score, `${want.column}: ${got.score} vs ${want.score}`).toBeLessThan(1e-8);
        }
      }
      expect(report.dataset.driftedColumns).toBe(expected.report.dataset.drifted_columns);
      expect(report.dataset.share).toBeCloseTo(expected.report.dataset.share, 12);
      expect(report.dataset.drift).toBe(expected.report.dataset.drift);
    });
  }

  it('reports a column present on one side only, computes the rest, and keeps distributions for the UI', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-drift-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.csv'), 'x,only_ref\n1.5,a\n2.5,b\n3.5,c\n4.5,d\n5.5,e\n6.5,f\n');
      fs.writeFileSync(path.join(dir, 'b.csv'), 'x,only_cur\n1.5,q\n2.25,r\n3.5,s\n9.5,t\n5.5,u\n7.5,v\n');
      const report = await compareFiles(engine, path.join(dir, 'a.csv'), path.join(dir, 'b.csv'));
      const byName = new Map(report.columns.map((column) => [column.column, column]));
      expect(byName.get('x')!.test).toBe('ks');
      expect(byName.get('only_cur')!.reason).toMatch(/not in the reference/);
      expect(byName.get('only_ref')!.reason).toMatch(/not in the current/);
      expect(report.dataset.testedColumns).toBe(1);
      const distribution = byName.get('x')!.distribution!;
      expect(distribution.kind).toBe('values');
      expect(distribution.reference.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(distribution.current.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the same report on memory reused from an earlier, larger comparison as on a fresh engine', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-drift-'));
    const fresh = new DataEngine();
    try {
      const write = (name: string, rows: number, shift: number) => {
        const lines = ['x,n,label'];
        for (let i = 0; i < rows; i++) lines.push(`${(Math.sin(i * 7.1) * 10 + shift).toFixed(4)},${(i * 13) % 97},${'abc'[i % 3]}`);
        fs.writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
      };
      write('big-a.csv', 3000, 0);
      write('big-b.csv', 3000, 5);
      write('small-a.csv', 1600, 1);
      write('small-b.csv', 1600, 2);
      await compareFiles(engine, path.join(dir, 'big-a.csv'), path.join(dir, 'big-b.csv'));
      const reused = await compareFiles(engine, path.join(dir, 'small-a.csv'), path.join(dir, 'small-b.csv'));
      const expected = await compareFiles(fresh, path.join(dir, 'small-a.csv'), path.join(dir, 'small-b.csv'));
      const scores = (report: typeof reused) => report.columns.map((column) => [column.column, column.test, column.score, column.referenceValues, column.distribution]);
      expect(scores(reused)).toEqual(scores(expected));
      expect(reused.columns.find((column) => column.column === 'x')!.referenceValues).toBe(1600);
    } finally {
      await fresh.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
