// The `cairn` command line: dispatches to one module per command.
import { CAIRN_VERSION } from '../services/version';
import { CI_HELP, runCiCommand } from './ci-command';
import { CT_HELP, runCtCommand } from './ct-command';
import { DATA_HELP, runDataCommand } from './data-command';
import { DEPLOY_HELP, runDeployCommand } from './deploy-command';
import { IMPORT_HELP, runImportCommand } from './import-command';
import { PIPELINE_HELP, runPipelineCommand } from './pipeline-command';
import { runServeCommand, SERVE_HELP } from './serve-command';

const MAIN_HELP = `Cairn ${CAIRN_VERSION}: a desktop MLOps workbench.

Usage: cairn <command> [options]

Commands:
  serve        Run Cairn headless and serve its UI to a browser on this machine
  import PATH  Import an MLflow file store (an mlruns folder): runs, metrics, artifacts, registry
  data         Datasets: add, list, profile, check (rules from a YAML file), drift, timeline
  deploy       Deploy registered model versions: create, update, rollback, delete, list, status, predict
  pipeline     Run a dvc.yaml pipeline (run, status, dag), every stage a tracked run
  ct           Continuous training: run the automations of cairn-automations.yaml (run, list, history)
  ci init      Write a starter cairn-automations.yaml and a CI workflow (github, gitlab, azure-devops)
  help [cmd]   Show help for a command

Options:
  -h, --help     Show this help
  -v, --version  Print the version

Data folder: --data-dir, else $CAIRN_DATA_DIR, else the OS's per-user application data folder.
Run \`cairn <command> --help\` for a command's options.
`;

const COMMANDS: Record<string, { help: string; run: (args: string[]) => Promise<number | void> }> = {
  serve: { help: SERVE_HELP, run: runServeCommand },
  import: { help: IMPORT_HELP, run: runImportCommand },
  data: { help: DATA_HELP, run: runDataCommand },
  deploy: { help: DEPLOY_HELP, run: runDeployCommand },
  pipeline: { help: PIPELINE_HELP, run: runPipelineCommand },
  ct: { help: CT_HELP, run: runCtCommand },
  ci: { help: CI_HELP, run: runCiCommand },
};

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') {
    process.stdout.write(MAIN_HELP);
    return 0;
  }
  if (first === '-v' || first === '--version') {
    process.stdout.write(`${CAIRN_VERSION}\n`);
    return 0;
  }
  if (first === 'help') {
    const command = rest[0] ? COMMANDS[rest[0]] : undefined;
    process.stdout.write(command ? command.help : MAIN_HELP);
    return 0;
  }
  const command = COMMANDS[first];
  if (!command) {
    process.stderr.write(`cairn: unknown command '${first}'. Run \`cairn --help\` for the list.\n`);
    return 2;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    process.stdout.write(command.help);
    return 0;
  }
  return (await command.run(rest)) ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`cairn: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
