// `cairn ci init` on real folders: the starter automations file is one Cairn reads without a
// problem, each provider's workflow is YAML with the provider's shape (data checks with their JUnit
// report, the summary where the provider shows one), the workflow's steps run here with a real
// shell against the CLI as the build bundles it, and an existing file is never overwritten without
// --force (nothing at all is written then).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import Ajv from 'ajv';
import { build } from 'esbuild';
import { schema as gitlabCiSchema } from 'gitlab-ci-local/src/schema/schema.js';
import { parse as parseYaml } from 'yaml';
import { readAutomationsFile } from '../services/automations/automations-file';
import { BUILD_FROM_SOURCE, CI_PROVIDERS, DATA_CHECKS_COMMAND, SUMMARY_COMMAND, ciWorkflow, runCiCommand } from './ci-command';

const ROOT = path.resolve(__dirname, '..', '..');
let root: string;
/** The CLI bundled as the build bundles it, for the steps run with a real shell. */
let cliDir: string;

beforeAll(async () => {
  cliDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-ci-cli-'));
  await build({ bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'warning', absWorkingDir: ROOT, loader: { '.py': 'text' }, entryPoints: ['electron/cli/cairn.ts'], outfile: path.join(cliDir, 'cli', 'cairn.js') });
}, 120_000);

afterAll(() => fs.rmSync(cliDir, { recursive: true, force: true }));

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
  const github = parseYaml(ciWorkflow('github').text) as { on: Record<string, unknown>; jobs: { cairn: { steps: Array<{ run?: string; uses?: string; if?: string; with?: Record<string, string> }> } } };
  expect(Object.keys(github.on)).toEqual(['push', 'pull_request']);
  const runs = github.jobs.cairn.steps.flatMap((step) => (step.run ? [step.run] : []));
  expect(runs).toEqual(expect.arrayContaining([DATA_CHECKS_COMMAND, 'cairn pipeline run --data-dir .cairn', 'cairn ct run --manual --data-dir .cairn']));
  expect(runs.indexOf(DATA_CHECKS_COMMAND)).toBeLessThan(runs.indexOf('cairn pipeline run --data-dir .cairn'));
  expect(github.jobs.cairn.steps.map((step) => step.uses).filter(Boolean)).toEqual(['actions/checkout@v4', 'actions/setup-node@v4', 'actions/setup-python@v5', 'actions/upload-artifact@v4', 'actions/upload-artifact@v4']);
  expect(github.jobs.cairn.steps.filter((step) => step.uses === 'actions/upload-artifact@v4').map((step) => [step.if, step.with])).toEqual([
    ['always()', { name: 'cairn-data-checks', path: 'cairn-checks.xml' }],
    ['always()', { name: 'cairn-audit', path: 'cairn-audit.json' }],
  ]);
  expect(runs.join('\n')).toContain('$GITHUB_STEP_SUMMARY');

  const gitlab = parseYaml(ciWorkflow('gitlab').text) as {
    cairn: { script: string[]; after_script: string[]; rules: Array<{ if: string }>; artifacts: { when: string; expose_as: string; paths: string[]; reports: { junit: string } } };
  };
  expect(gitlab.cairn.script).toEqual(expect.arrayContaining([DATA_CHECKS_COMMAND, 'cairn ct run --manual --data-dir .cairn']));
  expect(gitlab.cairn.rules[0]!.if).toMatch(/push.*merge_request_event/);
  expect(gitlab.cairn.after_script).toEqual([SUMMARY_COMMAND]);
  expect(gitlab.cairn.artifacts).toEqual({ when: 'always', expose_as: 'Cairn summary', paths: ['cairn-summary.md', 'cairn-audit.json', 'cairn-checks.xml'], reports: { junit: 'cairn-checks.xml' } });

  const azure = parseYaml(ciWorkflow('azure-devops').text) as { trigger: string[]; pr: string[]; steps: Array<{ script?: string; task?: string; condition?: string; inputs?: Record<string, string> }> };
  expect(azure.trigger).toEqual(['*']);
  expect(azure.pr).toEqual(['*']);
  expect(azure.steps.map((step) => step.script).filter(Boolean)).toEqual(expect.arrayContaining([DATA_CHECKS_COMMAND, 'cairn ct run --manual --data-dir .cairn']));
  expect(azure.steps.find((step) => step.script?.includes('##vso[task.uploadsummary]'))).toEqual({
    script: `${SUMMARY_COMMAND}; echo "##vso[task.uploadsummary]$PWD/cairn-summary.md"`,
    displayName: 'Summary',
    condition: 'always()',
  });
  expect(azure.steps.find((step) => step.task === 'PublishTestResults@2')).toEqual({
    task: 'PublishTestResults@2',
    condition: 'always()',
    inputs: { testResultsFormat: 'JUnit', testResultsFiles: 'cairn-checks.xml', testRunTitle: 'Cairn data checks' },
  });

  for (const provider of CI_PROVIDERS) expect((await ci('init', provider, '--force')).code).toBe(0);
  expect(['.github/workflows/cairn.yml', '.gitlab-ci.yml', 'azure-pipelines.yml'].every((file) => fs.existsSync(path.join(root, file)))).toBe(true);
});

it("runs the workflow's steps here with a real shell, as the CI job would, with the CLI built as the build builds it", async () => {
  expect((await ci('init', 'github')).code).toBe(0);
  const github = parseYaml(fs.readFileSync(path.join(root, '.github/workflows/cairn.yml'), 'utf8')) as { jobs: { cairn: { steps: Array<{ name?: string; run?: string }> } } };
  const runs = github.jobs.cairn.steps.flatMap((step) => (step.run && step.name !== 'Build Cairn from source' ? [step.run] : []));
  expect(runs).toHaveLength(6);
  expect(runs).toContain(DATA_CHECKS_COMMAND);
  expect(runs.at(-1)).toBe(`${SUMMARY_COMMAND}; cat cairn-summary.md >> "$GITHUB_STEP_SUMMARY"`);
  const bin = path.join(root, '.bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'cairn'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(cliDir, 'cli', 'cairn.js')}" "$@"\n`, { mode: 0o755 });
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, NODE_PATH: path.join(ROOT, 'node_modules'), GITHUB_STEP_SUMMARY: path.join(root, 'step-summary.md'), CAIRN_DATA_DIR: '' };
  for (const run of runs) {
    const step = spawnSync('sh', ['-c', run], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
    expect(step.status, `${run}\n${step.stdout}\n${step.stderr}`).toBe(0);
    if (run === DATA_CHECKS_COMMAND) expect(step.stdout).toContain('retrain: no data checks to run (neither gate.checks nor a checks.yaml in the project)\nNo data checks ran; no JUnit report was written.\n');
  }
  const audit = JSON.parse(fs.readFileSync(path.join(root, 'cairn-audit.json'), 'utf8')) as Array<{ automation: string; outcome: string; trigger: { kind: string } }>;
  expect(audit[0]).toMatchObject({ automation: 'retrain', outcome: 'completed', trigger: { kind: 'manual' } });
  const summary = fs.readFileSync(path.join(root, 'step-summary.md'), 'utf8');
  expect(summary).toBe(fs.readFileSync(path.join(root, 'cairn-summary.md'), 'utf8'));
  expect(summary).toMatch(/^## Cairn: data checks\n\nNo data checks ran\.[\s\S]*## Cairn: continuous training\n\n### retrain #1: completed/);
}, 120_000);

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

it("GitHub's own workflow parser accepts the GitHub workflow against GitHub's workflow schema, and rejects a broken one", () => {
  const validate = (content: string) =>
    parseWorkflow({ name: 'cairn.yml', content }, new NoOperationTraceWriter())
      .context.errors.getErrors()
      .map((error) => error.message);
  for (const install of [{ source: '', ref: '', command: null }, { source: 'https://example.com/cairn.git', ref: 'v1', command: 'npm install --global @acme/cairn' }]) {
    expect(validate(ciWorkflow('github', install).text)).toEqual([]);
  }
  expect(validate(ciWorkflow('github').text.replace('runs-on:', 'runs_on:'))).toEqual(expect.arrayContaining([expect.stringMatching(/Unexpected value 'runs_on'/), expect.stringMatching(/Required property is missing: runs-on/)]));
});

it("the GitLab workflow is valid against GitLab's published .gitlab-ci.yml schema (as gitlab-ci-local validates it), and a broken one is not", () => {
  const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(gitlabCiSchema);
  const gitlab = parseYaml(ciWorkflow('gitlab', { source: 'https://example.com/cairn.git', ref: 'main', command: null }).text) as Record<string, { artifacts: { reports: Record<string, unknown> } }>;
  expect(validate(gitlab), JSON.stringify(validate.errors, null, 2)).toBe(true);
  gitlab.cairn!.artifacts.reports.junit = 3;
  expect(validate(gitlab)).toBe(false);
});

it('the Azure DevOps workflow is not schema-validated: no npm package found carries the schema', ({ skip }) => {
  // Microsoft publishes the Azure Pipelines schema as service-schema.json in the azure-pipelines-vscode
  // extension (and each organization serves its own, with its installed tasks); the npm packages
  // azure-pipelines-language-server 0.9.3 and azure-pipelines-language-service 0.9.2 carry the
  // validator but not the schema. The workflow's shape is asserted above instead.
  const reason = 'azure-pipelines.yml is not schema-validated: Microsoft\'s schema (service-schema.json) ships in the VS Code extension, and azure-pipelines-language-server 0.9.3 / azure-pipelines-language-service 0.9.2 on npm carry no schema';
  console.warn(`ci-command.test.ts: ${reason}`);
  skip(reason);
});
