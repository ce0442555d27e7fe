// `cairn ci init` on real folders: the starter automations file is one Cairn reads without a
// problem, each provider's workflow is YAML with the provider's shape (data checks with their JUnit
// report, the summary where the provider shows one), each provider's job runs here against the CLI
// as the build bundles it (GitHub's and Azure DevOps' steps with a real shell in order, GitLab's job
// with gitlab-ci-local), each workflow is valid against its provider's published parser or schema,
// and an existing file is never overwritten without --force (nothing at all is written then).
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
import { BUILD_FROM_SOURCE, CI_PROVIDERS, DATA_CHECKS_COMMAND, SUMMARY_COMMAND, ciWorkflow, runCiCommand, type CiProvider } from './ci-command';

const ROOT = path.resolve(__dirname, '..', '..');
let root: string;
/** The CLI and the data engine's worker bundled as the build bundles them, and bin/cairn starting the CLI, for the CI jobs run here. */
let cliDir: string;

beforeAll(async () => {
  cliDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-ci-cli-'));
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'warning', absWorkingDir: ROOT, loader: { '.py': 'text' } } as const;
  await Promise.all([
    build({ ...common, entryPoints: ['electron/cli/cairn.ts'], outfile: path.join(cliDir, 'cli', 'cairn.js') }),
    build({ ...common, entryPoints: ['electron/services/data/engine/data-engine-worker.ts'], outfile: path.join(cliDir, 'workers', 'data-engine-worker.js') }),
  ]);
  fs.mkdirSync(path.join(cliDir, 'bin'));
  fs.writeFileSync(path.join(cliDir, 'bin', 'cairn'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(cliDir, 'cli', 'cairn.js')}" "$@"\n`, { mode: 0o755 });
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

/**
 * A project as a CI checkout of it holds it, written by `cairn ci init PROVIDER --install "cairn --version"`
 * (a runner that has Cairn: the install step only checks it is on the PATH): the starter automations
 * file fired by hand only (a new-data firing would read the data with Python's pandas), one data
 * file in its watched folder and a checks.yaml, so the data checks run and write their JUnit report.
 */
async function ciProject(provider: CiProvider): Promise<void> {
  expect((await ci('init', provider, '--install', 'cairn --version')).code).toBe(0);
  const automationsFile = path.join(root, 'cairn-automations.yaml');
  fs.writeFileSync(automationsFile, fs.readFileSync(automationsFile, 'utf8').replace('      - new-data\n      - schedule: "0 3 * * 1"\n', ''));
  expect(readAutomationsFile(automationsFile).automations[0]!.triggers.map((trigger) => trigger.kind)).toEqual(['manual']);
  fs.mkdirSync(path.join(root, 'data', 'incoming'), { recursive: true });
  fs.writeFileSync(path.join(root, 'data', 'incoming', 'batch-1.csv'), 'age,country\n30,DE\n50,FR\n');
  fs.writeFileSync(path.join(root, 'checks.yaml'), 'columns:\n  age: {range: {min: 0, max: 120}}\n');
}

/** The environment every runner gives the steps here: the bundled CLI first on the PATH, Cairn's data in the project. */
function runnerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${path.join(cliDir, 'bin')}:${process.env.PATH}`, NODE_PATH: path.join(ROOT, 'node_modules'), CAIRN_DATA_DIR: '', CI: 'true', ...extra };
}

/** Runs shell lines one after the other in the project, as a runner runs a job's steps; each must exit 0. Resolves to each line's stdout. */
function runShellSteps(shell: readonly string[], lines: readonly string[], env: NodeJS.ProcessEnv): string[] {
  return lines.map((line) => {
    const step = spawnSync(shell[0]!, [...shell.slice(1), line], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
    expect(step.status, `${line}\n${step.stdout}\n${step.stderr}`).toBe(0);
    return step.stdout;
  });
}

/** What every provider's job leaves in `dir`: the checks' JUnit report, the audit trail of the manual firing, and the summary (returned). */
function expectJobOutputs(dir: string): string {
  expect(fs.readFileSync(path.join(dir, 'cairn-checks.xml'), 'utf8')).toMatch(/<testsuites name="cairn data check" tests="2" failures="0"/);
  const audit = JSON.parse(fs.readFileSync(path.join(dir, 'cairn-audit.json'), 'utf8')) as Array<{ automation: string; outcome: string; trigger: { kind: string } }>;
  expect(audit[0]).toMatchObject({ automation: 'retrain', outcome: 'completed', trigger: { kind: 'manual' } });
  const summary = fs.readFileSync(path.join(dir, 'cairn-summary.md'), 'utf8');
  expect(summary).toMatch(/^## Cairn: data checks\n\n✅ 2 passed, 0 failed\n[\s\S]*\| retrain: checks\.yaml on data\/incoming\/batch-1\.csv \| 2 \| 0 \|[\s\S]*## Cairn: continuous training\n\n### retrain #1: completed/);
  return summary;
}

it("runs the GitHub workflow's run: steps here in order with bash, as the runner would, with the CLI built as the build builds it", async () => {
  await ciProject('github');
  const github = parseYaml(fs.readFileSync(path.join(root, '.github/workflows/cairn.yml'), 'utf8')) as {
    jobs: { cairn: { env: Record<string, string>; steps: Array<{ run?: string; uses?: string; with?: { path: string } }> } };
  };
  const runs = github.jobs.cairn.steps.flatMap((step) => (step.run ? [step.run] : []));
  expect(runs).toHaveLength(8);
  expect(runs[0]).toBe('cairn --version');
  expect(runs.at(-1)).toBe(`${SUMMARY_COMMAND}; cat cairn-summary.md >> "$GITHUB_STEP_SUMMARY"`);
  // A run: step without a shell: runs as `bash -e {0}` on Linux runners.
  const stdouts = runShellSteps(['bash', '-e', '-c'], runs, runnerEnv({ ...github.jobs.cairn.env, GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: root, GITHUB_STEP_SUMMARY: path.join(root, 'step-summary.md') }));
  expect(stdouts[runs.indexOf(DATA_CHECKS_COMMAND)]).toBe('retrain: checks.yaml on data/incoming/batch-1.csv: 2 passed, 0 failed\n');
  // The project has no requirements.txt: the step says so rather than failing.
  expect(stdouts[1]).toBe('no requirements.txt: the pipeline uses the Python packages the runner has\n');
  expect(fs.readFileSync(path.join(root, 'step-summary.md'), 'utf8')).toBe(expectJobOutputs(root));
  // Every file the upload-artifact steps upload is there.
  for (const upload of github.jobs.cairn.steps.filter((step) => step.uses === 'actions/upload-artifact@v4')) expect(fs.existsSync(path.join(root, upload.with!.path))).toBe(true);
}, 120_000);

/** Why gitlab-ci-local cannot run a job here (it copies the checkout with rsync and reads it with git), or null when it can. */
function gitlabCiLocalMissing(): string | null {
  const missing = ['rsync', 'git'].filter((tool) => spawnSync(tool, ['--version']).error);
  return missing.length ? `gitlab-ci-local needs ${missing.join(' and ')}, not found on the PATH` : null;
}

it('runs the GitLab job with gitlab-ci-local in a local shell (or, without rsync, its script lines with sh): it passes and leaves its artifacts', async () => {
  await ciProject('gitlab');
  const gitlab = parseYaml(fs.readFileSync(path.join(root, '.gitlab-ci.yml'), 'utf8')) as { variables: Record<string, string>; cairn: { script: string[]; after_script: string[]; artifacts: { paths: string[] } } };
  const missing = gitlabCiLocalMissing();
  if (missing) {
    console.warn(`ci-command.test.ts: ${missing}; the cairn job's script and after_script run with sh instead`);
    runShellSteps(['sh', '-c'], [...gitlab.cairn.script, ...gitlab.cairn.after_script], runnerEnv({ ...gitlab.variables, GITLAB_CI: 'true', CI_PROJECT_DIR: root }));
    expectJobOutputs(root);
    return;
  }
  // gitlab-ci-local runs a checkout: a git repository with the project committed.
  const git = (...args: string[]) => expect(spawnSync('git', ['-c', 'user.name=cairn', '-c', 'user.email=cairn@example.com', ...args], { cwd: root, encoding: 'utf8' }).status).toBe(0);
  git('init', '--quiet');
  git('add', '--all');
  git('commit', '--quiet', '--message', 'the project');
  // The job names an image; with no container engine here, --force-shell-executor runs it in a local
  // shell in the project folder (shell isolation is left off: it resyncs the checkout before
  // after_script, dropping the files the script wrote, which GitLab's runner keeps).
  const job = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'gitlab-ci-local', 'src', 'index.js'), '--force-shell-executor', '--no-artifacts-to-source', '--no-color', '--home', cliDir, 'cairn'],
    { cwd: root, env: runnerEnv({}), encoding: 'utf8', timeout: 120_000 },
  );
  const log = `${job.stdout}\n${job.stderr}`;
  expect(job.status, log).toBe(0);
  expect(job.stdout).toMatch(/PASS\s+cairn/);
  expect(job.stdout).toContain('cairn > retrain: checks.yaml on data/incoming/batch-1.csv: 2 passed, 0 failed');
  // The artifacts gitlab-ci-local collected, as GitLab would upload them: exactly the job's artifacts:paths.
  const artifacts = path.join(root, '.gitlab-ci-local', 'artifacts', 'cairn');
  expect(fs.readdirSync(artifacts).sort()).toEqual([...gitlab.cairn.artifacts.paths].sort());
  expectJobOutputs(artifacts);
}, 120_000);

it("runs the Azure DevOps script: steps here in order with bash, as the agent would, in the sources folder with the agent's variables", async () => {
  await ciProject('azure-devops');
  const azure = parseYaml(fs.readFileSync(path.join(root, 'azure-pipelines.yml'), 'utf8')) as {
    variables: Record<string, string>;
    steps: Array<{ script?: string; task?: string; inputs?: Record<string, string> }>;
  };
  const scripts = azure.steps.flatMap((step) => (step.script ? [step.script] : []));
  expect(scripts).toHaveLength(8);
  // The agent passes pipeline variables to scripts as upper-case environment variables, runs each
  // script with `bash --noprofile --norc`, in $(Build.SourcesDirectory).
  const variables = Object.fromEntries(Object.entries(azure.variables).map(([name, value]) => [name.toUpperCase().replace(/\./g, '_'), value]));
  const stdouts = runShellSteps(
    ['bash', '--noprofile', '--norc', '-c'],
    scripts,
    runnerEnv({ ...variables, TF_BUILD: 'True', BUILD_SOURCESDIRECTORY: root, SYSTEM_DEFAULTWORKINGDIRECTORY: root, AGENT_TEMPDIRECTORY: cliDir }),
  );
  // The summary step hands the agent the markdown file through a logging command on stdout.
  expect(stdouts.at(-1)).toBe(`##vso[task.uploadsummary]${root}/cairn-summary.md\n`);
  expectJobOutputs(root);
  // The files the publishing tasks read are there.
  expect(fs.existsSync(path.join(root, azure.steps.find((step) => step.task === 'PublishTestResults@2')!.inputs!.testResultsFiles!))).toBe(true);
  expect(fs.existsSync(path.join(root, azure.steps.find((step) => step.task === 'PublishPipelineArtifact@1')!.inputs!.targetPath!))).toBe(true);
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

it("the Azure DevOps workflow is valid against Azure Pipelines' published schema (a fixture), and a broken one is not", () => {
  // service-schema.json from microsoft/azure-pipelines-vscode (see fixtures/README.md): its patterns
  // are ECMAScript ones without the unicode flag, which Ajv would otherwise add.
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'azure-pipelines-schema.json'), 'utf8')) as object;
  const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false }).compile(schema);
  for (const install of [{ source: '', ref: '', command: null }, { source: 'https://example.com/cairn.git', ref: 'v1', command: 'npm install --global @acme/cairn' }]) {
    const azure = parseYaml(ciWorkflow('azure-devops', install).text) as Record<string, unknown>;
    expect(validate(azure), JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
  }
  const broken = parseYaml(ciWorkflow('azure-devops').text) as { steps: Array<Record<string, unknown>> };
  broken.steps[0]!.timeoutInMinutes = 'soon';
  expect(validate(broken)).toBe(false);
  expect(validate.errors).toContainEqual(expect.objectContaining({ instancePath: '/steps/0/timeoutInMinutes', message: 'must be integer' }));
}, 120_000);
