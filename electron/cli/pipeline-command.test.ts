import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandOutput } from './command-output';
import { PIPELINE_HELP, runPipelineCommand } from './pipeline-command';

let dir: string;
let project: string;
let dataDir: string;

function capture(): CommandOutput & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text), isTTY: false },
    out: () => out,
    err: () => err,
  };
}

async function cairn(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const output = capture();
  const code = await runPipelineCommand([...args, '--project', project, '--data-dir', dataDir], output);
  return { code, out: output.out(), err: output.err() };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-pipeline-cli-'));
  project = path.join(dir, 'project');
  dataDir = path.join(dir, 'data');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'input.txt'), 'hello\n');
  fs.writeFileSync(
    path.join(project, 'dvc.yaml'),
    `stages:
  upper:
    cmd: tr a-z A-Z < input.txt > upper.txt && echo converted
    deps: [input.txt]
    outs: [upper.txt]
  count:
    cmd: wc -c < upper.txt > count.txt
    deps: [upper.txt]
    outs: [count.txt]
`,
  );
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('cairn pipeline', () => {
  it('runs the pipeline with a line per stage change and output line, records it, and exits 0; a second run skips all', async () => {
    const first = await cairn('run');
    expect(first.code).toBe(0);
    expect(first.err).toContain('stage upper: running - dep modified: input.txt; out deleted: upper.txt\n[upper] converted\nstage upper: done');
    expect(first.out).toMatch(/^Pipeline succeeded: 2 ran\.\nRecorded as run [0-9a-f]{32} \(experiment \d+\), execution [0-9a-f]{32}\.\n$/);
    expect(fs.readFileSync(path.join(project, 'upper.txt'), 'utf8')).toBe('HELLO\n');
    expect(fs.existsSync(path.join(dataDir, 'cairn.db'))).toBe(true);
    const second = await cairn('run');
    expect(second.out).toContain('Pipeline succeeded: 2 up to date.');
  });

  it('prints the status as dvc status does', async () => {
    expect((await cairn('status')).out).toBe(
      'upper:\n\tchanged deps:\n\t\tmodified:           input.txt\n\tchanged outs:\n\t\tdeleted:            upper.txt\n' +
        'count:\n\tchanged deps:\n\t\tdeleted:            upper.txt\n\tchanged outs:\n\t\tdeleted:            count.txt\n',
    );
    await cairn('run', '--no-track');
    expect((await cairn('status')).out).toBe('Data and pipelines are up to date.\n');
    fs.writeFileSync(path.join(project, 'input.txt'), 'changed\n');
    expect((await cairn('status')).out).toBe('upper:\n\tchanged deps:\n\t\tmodified:           input.txt\n');
    expect(JSON.parse((await cairn('status', '--json')).out).stages[1]).toMatchObject({ name: 'count', outlook: 'after-upstream' });
  });

  it('shows what would run with --dry-run, running and recording nothing', async () => {
    const dry = await cairn('run', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('  upper  would run: dep modified: input.txt; out deleted: upper.txt\n');
    expect(fs.existsSync(path.join(project, 'upper.txt'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'cairn.db'))).toBe(false);
  });

  it('draws the DAG as text, dot or mermaid', async () => {
    expect((await cairn('dag')).out).toBe('2 stages (depth, name, what it needs):\n   0  upper\n   1  count  <- upper\n');
    expect((await cairn('dag', '--dot')).out).toBe('strict digraph {\n"upper";\n"count";\n"upper" -> "count";\n}\n');
    expect((await cairn('dag', '--mermaid')).out).toBe('flowchart TD\n\tnode1["upper"]\n\tnode2["count"]\n\tnode1-->node2\n');
  });

  it('exits 1 when a stage fails, naming it with its exit code and last output lines', async () => {
    fs.writeFileSync(path.join(project, 'dvc.yaml'), 'stages:\n  broken:\n    cmd: echo about to fail; exit 4\n');
    const result = await cairn('run', '--no-track');
    expect(result.code).toBe(1);
    expect(result.out).toContain("Stage 'broken' failed: 'echo about to fail; exit 4' exited with code 4\n  | about to fail\n");
  });

  it('exits 2 for an invalid pipeline or an unknown target, naming the file, line and stage', async () => {
    fs.writeFileSync(path.join(project, 'dvc.yaml'), 'stages:\n  a:\n    cmd: echo\n    outz: [x]\n');
    const invalid = await cairn('run');
    expect(invalid.code).toBe(2);
    expect(invalid.err).toBe(`cairn: the pipeline in ${project} is invalid; nothing ran:\n  dvc.yaml:4: stage 'a': unknown key 'outz'\n`);
    fs.writeFileSync(path.join(project, 'dvc.yaml'), 'stages:\n  a:\n    cmd: echo\n');
    const unknown = await cairn('run', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("no stage named 'nope' in dvc.yaml");
  });

  it('documents every option in its help', () => {
    for (const option of ['--force', '--downstream', '--jobs', '--set-param', '--dry-run', '--data-dir', '--project', '--tracking-uri', '--no-track', '--dot', '--mermaid', '--json']) {
      expect(PIPELINE_HELP).toContain(option);
    }
  });
});
