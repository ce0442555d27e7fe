import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDvcYaml } from './dvc-yaml-parser';
import { formatPipelineIssue } from './pipeline-definition';
import { buildPipelineGraph, planStages, UnknownTargetError } from './pipeline-graph';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function graphOf(dvcYaml: string, files: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-graph-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries({ ...files, 'dvc.yaml': dvcYaml })) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  const parsed = parseDvcYaml(dir);
  expect(parsed.issues.map(formatPipelineIssue)).toEqual([]);
  return buildPipelineGraph(dir, parsed.stages);
}

const PIPELINE = `stages:
  prepare:
    cmd: prep
    deps: [raw.csv]
    outs: [data]
  features:
    cmd: feat
    deps: [data/train.csv]
    outs: [features.csv]
  train:
    foreach: [rf, lr]
    do:
      cmd: train \${item}
      deps: [features.csv]
      outs:
        - model_\${item}.pkl
  evaluate:
    cmd: eval
    deps: [model_rf.pkl, model_lr.pkl, data]
    outs: [report.txt]
  unrelated:
    cmd: other
    outs: [other.txt]
`;

describe('buildPipelineGraph', () => {
  it('links a stage to the stages whose outs its deps are, lie in, or hold', () => {
    const { graph, issues } = graphOf(PIPELINE, { 'raw.csv': '1' });
    expect(issues).toEqual([]);
    expect(Object.fromEntries(graph.upstream)).toEqual({
      prepare: [],
      features: ['prepare'],
      'train@rf': ['features'],
      'train@lr': ['features'],
      evaluate: ['train@rf', 'train@lr', 'prepare'],
      unrelated: [],
    });
    expect(graph.order).toEqual(['prepare', 'features', 'train@rf', 'train@lr', 'evaluate', 'unrelated']);
  });

  it('finds a dep folder holding another stage\'s outs', () => {
    const { graph } = graphOf('stages:\n  a:\n    cmd: a\n    outs: [out/a.txt]\n  b:\n    cmd: b\n    deps: [out]\n');
    expect(graph.upstream.get('b')).toEqual(['a']);
  });

  it('reports cycles, outs written twice, outs inside outs, and deps nothing writes that do not exist', () => {
    const { issues } = graphOf(`stages:
  a:
    cmd: a
    deps: [b.txt]
    outs: [a.txt]
  b:
    cmd: b
    deps: [a.txt]
    outs: [b.txt]
  c:
    cmd: c
    outs: [a.txt, dir]
  d:
    cmd: d
    deps: [nowhere.csv]
    outs: [dir/inner.txt]
`);
    expect(issues.map(formatPipelineIssue)).toEqual([
      "dvc.yaml:10: stage 'c': output 'a.txt' is specified in stages 'a' and 'c'",
      "dvc.yaml:13: stage 'd': output 'dir/inner.txt' (stage 'd') is inside output 'dir' (stage 'c')",
      "dvc.yaml:13: stage 'd': dependency 'nowhere.csv' does not exist and no stage writes it",
      "dvc.yaml:2: stage 'a': the pipeline has a cycle: a -> b -> a (each needs the next)",
    ]);
  });
});

describe('planStages', () => {
  it('plans targets with what they need, or with --downstream what follows them; groups name all their stages', () => {
    const { graph } = graphOf(PIPELINE, { 'raw.csv': '1' });
    expect(planStages(graph, [], false)).toEqual(graph.order);
    expect(planStages(graph, ['train@rf'], false)).toEqual(['prepare', 'features', 'train@rf']);
    expect(planStages(graph, ['dvc.yaml:train'], false)).toEqual(['prepare', 'features', 'train@rf', 'train@lr']);
    expect(planStages(graph, ['features'], true)).toEqual(['features', 'train@rf', 'train@lr', 'evaluate']);
    expect(() => planStages(graph, ['nope'], false)).toThrow(UnknownTargetError);
  });

  it("leaves out what a frozen stage needs, and frozen stages from what follows a target", () => {
    const { graph } = graphOf(PIPELINE.replace('    cmd: feat\n', '    cmd: feat\n    frozen: true\n'), { 'raw.csv': '1' });
    expect(planStages(graph, ['train@rf'], false)).toEqual(['features', 'train@rf']);
    expect(planStages(graph, ['prepare'], true)).toEqual(['prepare', 'evaluate']);
  });
});
