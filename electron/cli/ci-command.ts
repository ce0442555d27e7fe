// `cairn ci init`: starts a project's continuous training beside its code: a starter
// cairn-automations.yaml and, for a CI provider, a workflow that runs the pipeline and the
// automations on every push and pull request. Existing files are never overwritten without --force.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AUTOMATIONS_FILE } from '../services/automations/automation-definition';
import type { CommandOutput } from './command-output';

/** `cairn ci --help`. */
export const CI_HELP = `Usage: cairn ci init [github|gitlab|azure-devops] [options]

Writes a starter ${AUTOMATIONS_FILE} into the project folder: an automation that runs the
project's pipeline (dvc.yaml) when new data lands in data/incoming, every Monday at 03:00 and by
hand, with the gate and promotion sections written out as comments to fill in. Add the folder on
the app's Automations page (or run \`cairn ct run\`) to run it.

With a CI provider, it also writes that provider's workflow, which on every push and pull request
builds Cairn from source on the fresh runner (git clone of $CAIRN_SOURCE at $CAIRN_REF, npm ci, the
CLI's build, npm install --global; the two variables are written into the workflow and a CI
variable of the same name overrides them), installs the project's requirements.txt (the Python
packages its pipeline imports) when it has one, pulls the DVC cache when the project has a remote, runs
the data checks (\`cairn ct check\`: each automation's gate.checks and a checks.yaml beside the
automations file, on the watched data; the step says so when there are none), the pipeline and
\`cairn ct run --manual\` (the gate against the production model), and keeps the audit trail
of the run as a JSON artifact. The data checks' JUnit report (cairn-checks.xml) and a markdown
summary (cairn-summary.md: the checks' counts, then each firing's decision, metrics against
production, drift and what changed) are published where the provider has a place for them:
  github         .github/workflows/cairn.yml   the job summary; the JUnit file as an artifact
  gitlab         .gitlab-ci.yml                the merge request's test report; GitLab has no job
                                               summary, so the markdown is an artifact exposed in
                                               the merge request (artifacts:expose_as)
  azure-devops   azure-pipelines.yml           the Tests tab (PublishTestResults@2) and the run's
                                               Extensions tab (##vso[task.uploadsummary])

Options:
  -p, --project <dir>   The project folder (default: the current folder)
  --cairn-source <URL[#REF]>  The git repository (and branch, tag or commit) the workflow builds Cairn
                        from (default: $CAIRN_SOURCE and $CAIRN_REF here; without either the
                        workflow stops at that step, saying to set CAIRN_SOURCE)
  --install <CMD>       A shell command that installs Cairn instead of building it from source
  --force               Overwrite files that exist (by default nothing is written when one does)
  -h, --help            Show this help

Exit status: 0 when written; 1 when a file exists (nothing is written; --force overwrites it);
2 for a usage mistake.
`;

/** The CI providers `cairn ci init` writes a workflow for. */
export const CI_PROVIDERS = ['github', 'gitlab', 'azure-devops'] as const;
/** A CI provider. */
export type CiProvider = (typeof CI_PROVIDERS)[number];

/** The starter automations file. */
export const STARTER_AUTOMATIONS = `# Continuous training for this project: \`cairn ct --help\`, or the app's Automations page.
# Every problem in this file is reported with its line; a file with a problem is not run at all.
automations:
  retrain:
    description: Run the pipeline when new data lands in data/incoming, every Monday at 03:00, and by hand
    data:
      watch: data/incoming          # a file or folder: a file with new content fires new-data
      # reference: data/reference.csv   # what new data is compared with for drift
      # label: label                    # the label column, for the gate and metric decay
    triggers:
      - new-data
      - schedule: "0 3 * * 1"
      - manual
      # - drift: {drift_share: 0.5}
      # - checks-failing: {checks: checks.yaml}
      # - metric-decay: {metric: accuracy, below: 0.8}
    action:
      pipeline: .                   # the folder holding dvc.yaml
      # new_data: {param: new_data}   # pass the new rows to the pipeline as a param
      # model: {stage: train, path: model}   # the MLflow model folder a stage writes
    # gate:                         # the candidate against the model holding the production alias
    #   holdout: 0.3
    #   checks: [checks.yaml]
    #   rules:
    #     - metrics.accuracy >= production + 0.01
    # promote:
    #   model: my-model
    #   alias: champion
    #   deploy: {name: my-model, target: local}
`;

/** How the workflow gets Cairn onto a runner that does not have it. */
export interface CairnInstall {
  /** The git repository Cairn is built from ('' when not known: the step then says to set it). */
  readonly source: string;
  /** The branch, tag or commit ('' for the repository's default branch). */
  readonly ref: string;
  /** A command that installs Cairn instead of building it (replaces the build). */
  readonly command: string | null;
}

/** The shell line that builds Cairn from $CAIRN_SOURCE at $CAIRN_REF and puts `cairn` on the PATH. */
export const BUILD_FROM_SOURCE =
  'if [ -z "$CAIRN_SOURCE" ]; then echo "CAIRN_SOURCE is not set: the git URL Cairn is built from (cairn ci init --cairn-source URL#REF, or a CI variable)" >&2; exit 1; fi; ' +
  'git clone --quiet "$CAIRN_SOURCE" "$HOME/cairn-source" && if [ -n "$CAIRN_REF" ]; then git -C "$HOME/cairn-source" checkout --quiet "$CAIRN_REF"; fi && ' +
  'cd "$HOME/cairn-source" && ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund && npm run build -- --main-only && npm install --global --no-audit --no-fund . && cairn --version';

/** The data checks' step: JUnit XML for the provider's test report, and their counts for the summary. */
export const DATA_CHECKS_COMMAND = 'cairn ct check --junit cairn-checks.xml --summary cairn-checks.md --data-dir .cairn';

/** Writes cairn-summary.md: the data checks' counts, then each recent firing's decision, metrics, drift and what changed. */
export const SUMMARY_COMMAND =
  '{ cat cairn-checks.md 2>/dev/null; cairn ct history --markdown --limit 5 --data-dir .cairn || echo "Cairn did not run: see the job log."; } > cairn-summary.md';

/** The shell lines every provider's job runs, in order. */
/** The pipeline's own Python packages (pandas, scikit-learn, ...), from the project's requirements.txt when it has one. */
const PYTHON_REQUIREMENTS =
  'if [ -f requirements.txt ]; then pip install -r requirements.txt; else echo "no requirements.txt: the pipeline uses the Python packages the runner has"; fi';

const ciSteps = (install: CairnInstall): ReadonlyArray<{ readonly name: string; readonly run: string }> => [
  install.command ? { name: 'Install Cairn', run: install.command } : { name: 'Build Cairn from source', run: BUILD_FROM_SOURCE },
  { name: "Install the project's Python packages", run: PYTHON_REQUIREMENTS },
  { name: 'Pull the DVC cache', run: 'if [ -f .dvc/config ]; then pip install dvc && dvc pull; else echo "no DVC remote: the pipeline runs from scratch"; fi' },
  { name: 'Run the data checks', run: DATA_CHECKS_COMMAND },
  { name: 'Run the pipeline', run: 'cairn pipeline run --data-dir .cairn' },
  { name: 'Run the automations (gate against production)', run: 'cairn ct run --manual --data-dir .cairn' },
  { name: 'Keep the audit trail', run: 'cairn ct history --json --limit 20 --data-dir .cairn > cairn-audit.json' },
];

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((line) => (line ? ' '.repeat(spaces) + line : line))
    .join('\n');
}

/** YAML's double-quoted form of a string (JSON's is one). */
function quoted(text: string): string {
  return JSON.stringify(text);
}

/** The workflow file of a provider: where it goes, and its text. */
export function ciWorkflow(provider: CiProvider, install: CairnInstall = { source: '', ref: '', command: null }): { readonly file: string; readonly text: string } {
  const CI_STEPS = ciSteps(install);
  const variables = `CAIRN_SOURCE: ${quoted(install.source)}\nCAIRN_REF: ${quoted(install.ref)}`;
  const header = '# Written by `cairn ci init`: the pipeline and the automations\' gate on every push and pull request.\n';
  if (provider === 'github') {
    const steps = CI_STEPS.map((step) => `- name: ${quoted(step.name)}\n  run: ${quoted(step.run)}`).join('\n');
    return {
      file: path.join('.github', 'workflows', 'cairn.yml'),
      text: `${header}name: cairn
on:
  push:
  pull_request:
jobs:
  cairn:
    runs-on: ubuntu-latest
    env:
${indent(variables, 6)}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: "20"
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
${indent(steps, 6)}
      - name: "Summary"
        if: always()
        run: ${quoted(`${SUMMARY_COMMAND}; cat cairn-summary.md >> "$GITHUB_STEP_SUMMARY"`)}
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: cairn-data-checks
          path: cairn-checks.xml
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: cairn-audit
          path: cairn-audit.json
`,
    };
  }
  if (provider === 'gitlab') {
    return {
      file: '.gitlab-ci.yml',
      text: `${header}variables:
${indent(variables, 2)}
cairn:
  image: nikolaik/python-nodejs:python3.11-nodejs20
  rules:
    - if: $CI_PIPELINE_SOURCE == "push" || $CI_PIPELINE_SOURCE == "merge_request_event"
  script:
${CI_STEPS.map((step) => `    - ${quoted(step.run)}`).join('\n')}
  after_script:
    - ${quoted(SUMMARY_COMMAND)}
  artifacts:
    when: always
    expose_as: "Cairn summary"
    paths:
      - cairn-summary.md
      - cairn-audit.json
      - cairn-checks.xml
    reports:
      junit: cairn-checks.xml
`,
    };
  }
  const steps = CI_STEPS.map((step) => `- script: ${quoted(step.run)}\n  displayName: ${quoted(step.name)}`).join('\n');
  return {
    file: 'azure-pipelines.yml',
    text: `${header}trigger:
  - "*"
pr:
  - "*"
variables:
${indent(variables, 2)}
pool:
  vmImage: ubuntu-latest
steps:
  - task: NodeTool@0
    inputs:
      versionSpec: "20.x"
  - task: UsePythonVersion@0
    inputs:
      versionSpec: "3.11"
${indent(steps, 2)}
  - script: ${quoted(`${SUMMARY_COMMAND}; echo "##vso[task.uploadsummary]$PWD/cairn-summary.md"`)}
    displayName: "Summary"
    condition: always()
  - task: PublishTestResults@2
    condition: always()
    inputs:
      testResultsFormat: JUnit
      testResultsFiles: cairn-checks.xml
      testRunTitle: Cairn data checks
  - task: PublishPipelineArtifact@1
    condition: always()
    inputs:
      targetPath: cairn-audit.json
      artifact: cairn-audit
`,
  };
}

class UsageError extends Error {}

/** Runs `cairn ci ...`; resolves to the exit status. */
export async function runCiCommand(argv: string[], output: CommandOutput = process): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: { project: { type: 'string', short: 'p' }, force: { type: 'boolean' }, 'cairn-source': { type: 'string' }, install: { type: 'string' } },
      });
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    const [command, provider, ...extra] = parsed.positionals;
    if (command !== 'init') throw new UsageError(`expected a command: init${command ? `, got '${command}'` : ''}. See \`cairn ci --help\`.`);
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'.`);
    if (provider !== undefined && !(CI_PROVIDERS as readonly string[]).includes(provider)) {
      throw new UsageError(`unknown CI provider '${provider}': expected ${CI_PROVIDERS.join(', ')}.`);
    }
    const projectDir = path.resolve(parsed.values.project ?? '.');
    if (!fs.existsSync(projectDir) || !fs.statSync(projectDir).isDirectory()) throw new UsageError(`no folder at ${projectDir}.`);
    const sourceOption = parsed.values['cairn-source'];
    const hash = sourceOption?.lastIndexOf('#') ?? -1;
    const install: CairnInstall = {
      source: sourceOption === undefined ? (process.env.CAIRN_SOURCE ?? '') : hash >= 0 ? sourceOption.slice(0, hash) : sourceOption,
      ref: sourceOption === undefined ? (process.env.CAIRN_REF ?? '') : hash >= 0 ? sourceOption.slice(hash + 1) : '',
      command: parsed.values.install?.trim() || null,
    };
    if (sourceOption !== undefined && !install.source) throw new UsageError(`--cairn-source takes a git URL, optionally with #REF; got '${sourceOption}'.`);
    const files = [{ file: AUTOMATIONS_FILE, text: STARTER_AUTOMATIONS }, ...(provider ? [ciWorkflow(provider as CiProvider, install)] : [])];
    const existing = files.filter((item) => fs.existsSync(path.join(projectDir, item.file)));
    if (existing.length && !parsed.values.force) {
      output.stderr.write(`cairn ci: ${existing.map((item) => item.file).join(' and ')} already exist${existing.length === 1 ? 's' : ''} in ${projectDir}; nothing was written. Run again with --force to overwrite.\n`);
      return 1;
    }
    for (const item of files) {
      const target = path.join(projectDir, item.file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(`${target}.tmp`, item.text);
      fs.renameSync(`${target}.tmp`, target);
      output.stdout.write(`wrote ${item.file}\n`);
    }
    if (provider && !install.command && !install.source) {
      output.stdout.write('note: the workflow builds Cairn from $CAIRN_SOURCE, which is empty: run again with --cairn-source URL#REF (or --install CMD), or set CAIRN_SOURCE as a CI variable.\n');
    }
    if (!fs.existsSync(path.join(projectDir, 'dvc.yaml'))) output.stdout.write(`note: ${projectDir} has no dvc.yaml yet; the automation runs the pipeline it declares.\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      output.stderr.write(`cairn ci: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
