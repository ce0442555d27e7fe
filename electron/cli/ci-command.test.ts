// `cairn ci init` in-process on real folders: the starter automations file is one Cairn reads
// without a problem, each provider's workflow is YAML with the provider's top-level shape, the
// workflow's `cairn` commands run here against a real data folder, and an existing file is never
// overwritten without --force (nothing at all is written then).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { readAutomationsFile } from '../services/automations/automations-file';
import { BUILD_FROM_SOURCE, CI_PROVIDERS, ciWorkflow, runCiCommand } from './ci-command';
import { runCtCommand } from './ct-command';
import { runPipelineCommand } from './pipeline-command';

let root: string;

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, output: { stdout: { write: (text: string) => (out.stdout += text) }, stderr: { write: (text: string) => (out.stderr += text) } } };
}

async function ci(...args: string[]) {
  const { out, output } = capture();
  const code = await runCiCommand([...args, '--project', root], output);
  return { code, ...out };
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-ci-command-'));
  fs.writeFileSync(path.join(root, 'dvc.yaml'), 'stages:\n  hello:\n    cmd: echo hello > hello.txt\n    outs: [hello.txt]\n');
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

it('writes a starter automations file that Cairn reads, and refuses to overwrite it without --force', async () => {
  const first = await ci('init');
  expect(first).toMatchObject({ code: 0, stdout: 'wrote cairn-automations.yaml\n' });
  const file = readAutomationsFile(path.join(root, 'cairn-automations.yaml'));
  expect(file.automations.map((automation) => [automation.name, automation.triggers.map((trigger) => trigger.kind)])).toEqual([['retrain', ['new-data', 'schedule', 'manual']]]);

  fs.writeFileSync(path.join(root, 'cairn-automations.yaml'), '# mine\n');
  const again = await ci('init', 'github');
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/cairn-automations\.yaml already exists in .*; nothing was written\. Run again with --force/);
  expect(fs.readFileSync(path.join(root, 'cairn-automations.yaml'), 'utf8')).toBe('# mine\n');
  expect(fs.existsSync(path.join(root, '.github'))).toBe(false);

  const forced = await ci('init', 'github', '--force', '--cairn-source', 'https://example.com/cairn.git#v0.1.0');
  expect(forced.code).toBe(0);
  expect(forced.stdout).toBe('wrote cairn-automations.yaml\nwrote .github/workflows/cairn.yml\n');
  expect(fs.readFileSync(path.join(root, 'cairn-automations.yaml'), 'utf8')).toMatch(/^# Continuous training/);
});

it('exits 2 for a usage mistake and writes nothing', async () => {
  expect(await ci('init', 'jenkins')).toMatchObject({ code: 2, stderr: 'cairn ci: unknown CI provider \'jenkins\': expected github, gitlab, azure-devops.\n' });
  expect((await ci('start')).stderr).toMatch(/expected a command: init, got 'start'/);
  expect(fs.readdirSync(root)).toEqual(['dvc.yaml']);
});

it("writes each provider's workflow in its shape, running the pipeline and the gate on pushes and pull requests", async () => {
  const github = parseYaml(ciWorkflow('github').text) as { on: Record<string, unknown>; jobs: { cairn: { steps: Array<{ run?: string; uses?: string }> } } };
  expect(Object.keys(github.on)).toEqual(['push', 'pull_request']);
  const runs = github.jobs.cairn.steps.flatMap((step) => (step.run ? [step.run] : []));
  expect(runs).toEqual(expect.arrayContaining(['cairn pipeline run --data-dir .cairn', 'cairn ct run --manual --data-dir .cairn']));
  expect(github.jobs.cairn.steps.map((step) => step.uses).filter(Boolean)).toEqual(['actions/checkout@v4', 'actions/setup-node@v4', 'actions/setup-python@v5', 'actions/upload-artifact@v4']);
  expect(runs.join('\n')).toContain('$GITHUB_STEP_SUMMARY');

  const gitlab = parseYaml(ciWorkflow('gitlab').text) as { cairn: { script: string[]; rules: Array<{ if: string }>; artifacts: { paths: string[] } } };
  expect(gitlab.cairn.script).toContain('cairn ct run --manual --data-dir .cairn');
  expect(gitlab.cairn.rules[0]!.if).toMatch(/push.*merge_request_event/);
  expect(gitlab.cairn.artifacts.paths).toEqual(['cairn-audit.json']);

  const azure = parseYaml(ciWorkflow('azure-devops').text) as { trigger: string[]; pr: string[]; steps: Array<{ script?: string }> };
  expect(azure.trigger).toEqual(['*']);
  expect(azure.pr).toEqual(['*']);
  expect(azure.steps.map((step) => step.script).filter(Boolean)).toContain('cairn ct run --manual --data-dir .cairn');

  for (const provider of CI_PROVIDERS) expect((await ci('init', provider, '--force')).code).toBe(0);
  expect(['.github/workflows/cairn.yml', '.gitlab-ci.yml', 'azure-pipelines.yml'].every((file) => fs.existsSync(path.join(root, file)))).toBe(true);
});

it("runs the workflow's cairn commands here, in the project, as the CI job would", async () => {
  expect((await ci('init', 'github')).code).toBe(0);
  const github = parseYaml(fs.readFileSync(path.join(root, '.github/workflows/cairn.yml'), 'utf8')) as { jobs: { cairn: { steps: Array<{ run?: string }> } } };
  const summary = github.jobs.cairn.steps.find((step) => step.run?.includes('$GITHUB_STEP_SUMMARY'))?.run;
  expect(summary).toMatch(/^cairn ct history --markdown --limit 5 --data-dir \.cairn >> "\$GITHUB_STEP_SUMMARY"/);
  const commands = github.jobs.cairn.steps.flatMap((step) => (step.run?.startsWith('cairn ') && step.run !== summary ? [step.run] : []));
  expect(commands).toHaveLength(3);
  const cwd = process.cwd();
  process.chdir(root);
  try {
    for (const command of commands) {
      const [words, redirect] = command.split(' > ') as [string, string | undefined];
      const [, name, ...args] = words.split(' ');
      const { out, output } = capture();
      const code = name === 'pipeline' ? await runPipelineCommand(args, output) : await runCtCommand(args, output);
      expect(code, `${command}\n${out.stdout}\n${out.stderr}`).toBe(0);
      if (redirect) fs.writeFileSync(redirect, out.stdout);
    }
  } finally {
    process.chdir(cwd);
  }
  const audit = JSON.parse(fs.readFileSync(path.join(root, 'cairn-audit.json'), 'utf8')) as Array<{ automation: string; outcome: string; trigger: { kind: string } }>;
  expect(audit[0]).toMatchObject({ automation: 'retrain', outcome: 'completed', trigger: { kind: 'manual' } });
}, 60_000);

it('builds Cairn from source on a fresh runner: --cairn-source URL#REF is written as CAIRN_SOURCE and CAIRN_REF, --install replaces the build', async () => {
  const written = await ci('init', 'github', '--cairn-source', 'https://example.com/cairn.git#v0.1.0');
  expect(written.code).toBe(0);
  const github = parseYaml(fs.readFileSync(path.join(root, '.github/workflows/cairn.yml'), 'utf8')) as { jobs: { cairn: { env: Record<string, string>; steps: Array<{ name?: string; run?: string }> } } };
  expect(github.jobs.cairn.env).toEqual({ CAIRN_SOURCE: 'https://example.com/cairn.git', CAIRN_REF: 'v0.1.0' });
  const build = github.jobs.cairn.steps.find((step) => step.name === 'Build Cairn from source');
  expect(build?.run).toBe(BUILD_FROM_SOURCE);
  expect(github.jobs.cairn.steps.findIndex((step) => step === build)).toBeLessThan(github.jobs.cairn.steps.findIndex((step) => step.run === 'cairn ct run --manual --data-dir .cairn'));

  const gitlab = parseYaml(ciWorkflow('gitlab', { source: 'https://example.com/cairn.git', ref: 'main', command: null }).text) as { variables: Record<string, string>; cairn: { script: string[] } };
  expect(gitlab.variables).toEqual({ CAIRN_SOURCE: 'https://example.com/cairn.git', CAIRN_REF: 'main' });
  expect(gitlab.cairn.script[0]).toBe(BUILD_FROM_SOURCE);
  const azure = parseYaml(ciWorkflow('azure-devops', { source: 'https://example.com/cairn.git', ref: '', command: 'npm install --global @acme/cairn' }).text) as { variables: Record<string, string>; steps: Array<{ script?: string; displayName?: string }> };
  expect(azure.variables.CAIRN_SOURCE).toBe('https://example.com/cairn.git');
  expect(azure.steps.find((step) => step.displayName === 'Install Cairn')?.script).toBe('npm install --global @acme/cairn');

  // Without a source the build step stops with a clear message (run here with a real shell).
  const unset = spawnSync('sh', ['-c', BUILD_FROM_SOURCE], { env: { PATH: process.env.PATH, HOME: root }, encoding: 'utf8' });
  expect(unset.status).toBe(1);
  expect(unset.stderr).toMatch(/CAIRN_SOURCE is not set: the git URL Cairn is built from/);
  const note = await ci('init', 'gitlab', '--force');
  expect(note.stdout).toMatch(/note: the workflow builds Cairn from \$CAIRN_SOURCE, which is empty/);
  expect((await ci('init', 'github', '--force', '--cairn-source', '#main')).code).toBe(2);
});
