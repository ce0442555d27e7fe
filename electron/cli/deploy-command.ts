// `cairn deploy`: deployments of registered model versions from scripts and CI, with the same
// semantics as the app (they share the deployment service and the data folder's records).
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { DeploymentOperation, DeploymentStatus, DeploymentStep, PredictionInput } from '../../shared/deployments';
import { resolveDataDir, trackerDatabaseFile } from '../services/data-dir';
import { createDeploymentService } from '../services/deploy/create-deployment-service';
import type { DeploymentJob, DeploymentService } from '../services/deploy/deployment-service';
import { openCairnStores } from '../services/cairn-services';
import type { CommandOutput } from './command-output';

/** `cairn deploy --help`. */
export const DEPLOY_HELP = `Usage: cairn deploy <command> [NAME] [options]

Deploys registered model versions and manages the deployments, as the app's Deploy button does.

Commands:
  create NAME --target T --model-uri URI       Deploy a version; prints ENDPOINT_URL=<url> once it answers
  update NAME [--model-uri URI]                Move NAME to another version (without --model-uri: what its
                                               URI names now, e.g. where its alias points); the current
                                               version serves until the new one answers, and if the new
                                               one fails it goes on serving
  rollback NAME                                Return NAME to the version that served before the current one
  delete NAME                                  Stop NAME and remove what its target made (history stays)
  list [--all]                                 Every deployment with its version and health (--all: deleted too)
  status NAME                                  NAME's endpoint, version, health and last operation
  history NAME                                 NAME's operations with every step, newest first
  logs NAME                                    The end of NAME's log (the local target: its endpoint's lines
                                               and its Python workers' output)
  predict NAME --input-path FILE               Score FILE (JSON in one of MLflow's formats, or CSV) through NAME
  targets                                      The targets, their settings and the secrets they use
  check --target T [-C k=v ...]                Test a cloud target's connection with these settings
                                               (credentials, permissions, the resources they name)
                                               without creating anything; exit 1 when a check fails

Model URIs: models:/<model>/<version>, models:/<model>@<alias>, models:/<model>/<stage>, models:/<model>/latest.

Options:
  --target <name>         The deploy target: local, sagemaker, azureml or databricks
  --model-uri <uri>       What to deploy
  -C, --config <k=v>      A target setting, repeatable (the local target: python, port, workers, timeout,
                          loader, keep_running; sagemaker: region_name, execution_role_arn, bucket, image_url,
                          instance_type, instance_count, endpoint_name, ...; azureml: subscription_id,
                          resource_group, workspace_name, tenant_id, client_id, location, instance_type, ...;
                          databricks: host, endpoint_name, registered_model_name, workload_size, ...;
                          \`cairn deploy targets\` lists every setting with its default)
  --python <path>         Shorthand for -C python=<path>: the Python that runs the model
  --port <n>              Shorthand for -C port=<n>
  --foreground            create/update: keep this command attached and stop the endpoint when it ends
                          (Ctrl-C); without it the endpoint keeps serving until \`cairn deploy delete NAME\`
  --input-path <file>     predict: the request body (a .csv file is sent as text/csv)
  --content-type <type>   predict: json or csv, when the file name does not say
  --output-path <file>    predict: write the answer there instead of stdout
  --json                  list, status, history: print JSON
  --data-dir <dir>        Data folder (default: $CAIRN_DATA_DIR, else the OS's per-user app data folder)
  -h, --help              Show this help

Cloud credentials: the command line keeps no secrets; it uses the cloud SDK's own chain (for AWS:
AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or -C aws_profile=, SSO, instance roles). The SDK's
endpoint settings are honoured (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_SAGEMAKER,
AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME), e.g. to point at local peers. For Azure ML (through @azure/identity):
AZURE_CLIENT_SECRET with the app registration's -C tenant_id= and -C client_id= (else AZURE_TENANT_ID and
AZURE_CLIENT_ID); without a secret, DefaultAzureCredential (e.g. after az login). AZURE_AUTHORITY_HOST is
honoured; -C arm_endpoint= and -C blob_endpoint= point ARM and the datastore elsewhere. For Databricks:
DATABRICKS_HOST and DATABRICKS_TOKEN (a personal access token), else the host and token of a
~/.databrickscfg profile (-C config_profile=, DATABRICKS_CONFIG_PROFILE, or DEFAULT).

Example:
  cairn deploy create churn --target sagemaker --model-uri models:/churn/3 -C region_name=eu-west-1 \
    -C execution_role_arn=arn:aws:iam::123456789012:role/SageMakerExecution -C bucket=my-models \
    -C image_url=123456789012.dkr.ecr.eu-west-1.amazonaws.com/mlflow-pyfunc:2.17.0
  DATABRICKS_TOKEN=dapi... cairn deploy create churn --target databricks --model-uri models:/churn@champion \
    -C host=https://adb-1234567890123456.7.azuredatabricks.net -C workload_size=Small
  cairn deploy check --target databricks -C host=https://adb-1234567890123456.7.azuredatabricks.net
  AZURE_CLIENT_SECRET=... cairn deploy create churn --target azureml --model-uri models:/churn/3 \
    -C subscription_id=<guid> -C resource_group=ml -C workspace_name=ml-ws -C tenant_id=<guid> -C client_id=<guid>

Progress goes to stderr, results to stdout. Exit status 1 when an operation fails (the failed step
and its reason are printed), 2 for a usage mistake.
`;

const COMMANDS = ['create', 'update', 'rollback', 'delete', 'list', 'status', 'history', 'logs', 'predict', 'targets', 'check'] as const;
type DeployCommand = (typeof COMMANDS)[number];

class UsageError extends Error {}

function parseConfig(entries: readonly string[], python?: string, port?: string): Record<string, string> {
  const config: Record<string, string> = {};
  for (const entry of entries) {
    const equals = entry.indexOf('=');
    if (equals <= 0) throw new UsageError(`-C takes key=value, got '${entry}'.`);
    config[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  if (python !== undefined) config.python = python;
  if (port !== undefined) config.port = port;
  return config;
}

function seconds(step: Pick<DeploymentStep, 'startedAt' | 'endedAt'>): string {
  return step.endedAt === null ? '' : ` (${((step.endedAt - step.startedAt) / 1000).toFixed(2)} s)`;
}

const MARKS: Readonly<Record<DeploymentStep['outcome'], string>> = { running: '…', succeeded: '✓', failed: '✗', cancelled: '-' };

/** Prints each step of a job as it ends, then waits for the job; returns the ended operation. */
async function follow(service: DeploymentService, job: DeploymentJob, output: CommandOutput): Promise<DeploymentOperation> {
  const printed = new Set<number>();
  const print = (step: DeploymentStep) => {
    if (step.outcome === 'running' || printed.has(step.index)) return;
    printed.add(step.index);
    output.stderr.write(`  ${MARKS[step.outcome]} ${step.title}${seconds(step)}${step.detail ? `: ${step.detail}` : ''}\n`);
  };
  output.stderr.write(`Operation ${job.operation.id}: ${job.operation.kind} ${job.operation.deploymentName}\n`);
  const stop = service.onEvent((event) => {
    if (event.operation.id === job.operation.id && event.step) print(event.step);
  });
  const cancel = () => {
    output.stderr.write('Cancelling...\n');
    service.cancel(job.operation.id);
  };
  process.once('SIGINT', cancel);
  try {
    const operation = await job.done;
    for (const step of operation.steps) print(step);
    return operation;
  } finally {
    process.off('SIGINT', cancel);
    stop();
  }
}

function reportEnd(operation: DeploymentOperation, endpointUrl: string | null, output: CommandOutput): number {
  if (operation.outcome === 'succeeded') {
    if (endpointUrl && operation.kind !== 'delete') output.stdout.write(`ENDPOINT_URL=${endpointUrl}\n`);
    if (operation.kind === 'delete') output.stdout.write(`Deleted ${operation.deploymentName}.\n`);
    return 0;
  }
  const where = operation.failedStep ? ` at step ${operation.failedStep}` : '';
  output.stderr.write(`cairn deploy: ${operation.kind} ${operation.deploymentName} ${operation.outcome}${where}: ${operation.error ?? ''}\n`);
  return 1;
}

function statusLines(status: DeploymentStatus): string {
  const d = status.deployment;
  const lines = [
    `name:       ${d.name}`,
    `target:     ${d.target}`,
    `health:     ${status.health}${status.message ? ` (${status.message})` : ''}`,
    `endpoint:   ${d.endpointUrl ?? '-'}`,
    `model:      ${d.model ? `${d.model.name} version ${d.model.version} (${d.model.uri})` : '-'}`,
    `since:      ${d.servingSince ? new Date(d.servingSince).toISOString() : '-'}`,
    `rollback:   ${d.previousModel ? `${d.previousModel.name} version ${d.previousModel.version}` : '-'}`,
    `settings:   ${Object.entries(d.config).map(([k, v]) => `${k}=${v}`).join(' ')}`,
  ];
  const last = d.lastOperation;
  if (last) {
    lines.push(`last:       ${last.kind} ${last.outcome} (operation ${last.id}, ${last.requestedBy.user} via ${last.requestedBy.via}, ${new Date(last.startedAt).toISOString()})`);
    if (last.error) lines.push(`            ${last.failedStep ? `${last.failedStep}: ` : ''}${last.error.split('\n')[0]}`);
  }
  return `${lines.join('\n')}\n`;
}

function readPredictionInput(file: string, contentType: string | undefined): PredictionInput {
  const text = fs.readFileSync(file, 'utf8');
  const kind = contentType ?? (file.toLowerCase().endsWith('.csv') ? 'csv' : 'json');
  if (kind === 'csv') return { csv: text };
  if (kind !== 'json') throw new UsageError(`--content-type must be json or csv, got '${kind}'.`);
  try {
    return { json: JSON.parse(text) as unknown };
  } catch (error) {
    throw new UsageError(`${file} is not JSON (${(error as Error).message}); for CSV use --content-type csv.`);
  }
}

/** Runs `cairn deploy`. */
export async function runDeployCommand(args: string[], output: CommandOutput = process): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        target: { type: 'string' },
        'model-uri': { type: 'string' },
        config: { type: 'string', short: 'C', multiple: true },
        python: { type: 'string' },
        port: { type: 'string' },
        foreground: { type: 'boolean', default: false },
        'input-path': { type: 'string' },
        'content-type': { type: 'string' },
        'output-path': { type: 'string' },
        json: { type: 'boolean', default: false },
        all: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
      },
    });
  } catch (error) {
    output.stderr.write(`cairn deploy: ${(error as Error).message}\nRun \`cairn deploy --help\` for the commands.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, name, ...extra] = positionals;
  if (!command || !(COMMANDS as readonly string[]).includes(command)) {
    output.stderr.write(`cairn deploy: ${command ? `unknown command '${command}'` : 'which command?'} Run \`cairn deploy --help\` for the commands.\n`);
    return 2;
  }
  const needsName = !['list', 'targets', 'check'].includes(command);
  if ((needsName && !name) || extra.length > 0 || (!needsName && name)) {
    output.stderr.write(`cairn deploy ${command}: ${needsName ? 'takes one deployment NAME' : 'takes no NAME'}. Run \`cairn deploy --help\`.\n`);
    return 2;
  }

  const dataDir = resolveDataDir(values['data-dir']);
  if (command !== 'targets' && command !== 'check' && !fs.existsSync(trackerDatabaseFile(dataDir))) {
    output.stderr.write(`cairn deploy: no Cairn data in ${dataDir}; pass --data-dir.\n`);
    return 2;
  }
  const context = openCairnStores(dataDir);
  const { store } = context;
  const service = createDeploymentService({
    database: context.database,
    stores: { registry: context.registry, artifacts: context.artifacts, tracker: store, loggedModels: context.loggedModels },
    dataDir,
    via: 'cli',
    keepRunningByDefault: !values.foreground,
  });
  try {
    return await runSubcommand(command as DeployCommand, name ?? '', values, service, output);
  } catch (error) {
    output.stderr.write(`cairn deploy ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  } finally {
    // Stops the endpoints that stop with this command (--foreground), after waiting for its operations.
    await service.close();
    context.close();
  }
}

async function runSubcommand(
  command: DeployCommand,
  name: string,
  values: {
    target?: string;
    'model-uri'?: string;
    config?: string[];
    python?: string;
    port?: string;
    foreground?: boolean;
    'input-path'?: string;
    'content-type'?: string;
    'output-path'?: string;
    json?: boolean;
    all?: boolean;
  },
  service: DeploymentService,
  output: CommandOutput,
): Promise<number> {
  const config = parseConfig(values.config ?? [], values.python, values.port);
  if (values.foreground) config.keep_running = 'false';
  const serveInForeground = async (code: number): Promise<number> => {
    if (code !== 0 || !values.foreground) return code;
    output.stderr.write('Serving until this command is stopped (Ctrl-C)...\n');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    return 0;
  };
  switch (command) {
    case 'create': {
      if (!values.target || !values['model-uri']) throw new UsageError('create needs --target and --model-uri.');
      const job = await service.create({ name, target: values.target, modelUri: values['model-uri'], config });
      const operation = await follow(service, job, output);
      return serveInForeground(reportEnd(operation, service.get(name).endpointUrl, output));
    }
    case 'update': {
      const job = await service.update({ name, modelUri: values['model-uri'], config });
      const operation = await follow(service, job, output);
      return serveInForeground(reportEnd(operation, service.get(name).endpointUrl, output));
    }
    case 'rollback': {
      const operation = await follow(service, await service.rollback({ name }), output);
      return reportEnd(operation, service.get(name).endpointUrl, output);
    }
    case 'delete': {
      const operation = await follow(service, await service.delete({ name }), output);
      return reportEnd(operation, null, output);
    }
    case 'list': {
      const statuses = values.all
        ? await Promise.all(service.list(true).map((d) => service.status(d.name)))
        : await service.listStatus();
      if (values.json) {
        output.stdout.write(`${JSON.stringify(statuses, null, 2)}\n`);
        return 0;
      }
      if (statuses.length === 0) {
        output.stdout.write('No deployments. Create one with `cairn deploy create NAME --target local --model-uri models:/<model>/<version>`.\n');
        return 0;
      }
      const rows = statuses.map((s) => [
        s.deployment.name,
        s.deployment.target,
        s.deployment.model ? `${s.deployment.model.name} v${s.deployment.model.version}` : '-',
        s.health,
        s.deployment.endpointUrl ?? '-',
      ]);
      const header = ['NAME', 'TARGET', 'MODEL', 'HEALTH', 'ENDPOINT'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const row of [header, ...rows]) output.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
      return 0;
    }
    case 'status': {
      const status = await service.status(name);
      output.stdout.write(values.json ? `${JSON.stringify(status, null, 2)}\n` : statusLines(status));
      return status.health === 'serving' ? 0 : 1;
    }
    case 'history': {
      const history = service.history(name);
      if (values.json) {
        output.stdout.write(`${JSON.stringify(history, null, 2)}\n`);
        return 0;
      }
      for (const op of history) {
        const model = op.model ? ` ${op.model.name} v${op.model.version}` : '';
        output.stdout.write(`#${op.id} ${new Date(op.startedAt).toISOString()} ${op.kind}${model} ${op.outcome} (${op.requestedBy.user} via ${op.requestedBy.via})\n`);
        for (const step of op.steps) output.stdout.write(`    ${MARKS[step.outcome]} ${step.title}${seconds(step)}${step.detail ? `: ${step.detail.split('\n')[0]}` : ''}\n`);
      }
      return 0;
    }
    case 'logs': {
      const logs = await service.logs(name, 256 * 1024);
      if (logs.source === null) output.stderr.write(`cairn deploy logs: the ${service.get(name).target} target keeps no log.\n`);
      else if (logs.truncated) output.stderr.write(`(the end of ${logs.source}; earlier lines left out)\n`);
      output.stdout.write(logs.text);
      return 0;
    }
    case 'predict': {
      if (!values['input-path']) throw new UsageError('predict needs --input-path FILE.');
      const result = await service.predict(name, readPredictionInput(values['input-path'], values['content-type']));
      if (values['output-path']) fs.writeFileSync(values['output-path'], result.text);
      else output.stdout.write(`${result.text}\n`);
      if (result.status !== 200) output.stderr.write(`cairn deploy predict: the endpoint answered ${result.status}.\n`);
      return result.status === 200 ? 0 : 1;
    }
    case 'check': {
      if (!values.target) throw new UsageError('check needs --target.');
      const checked = await service.testConnection(values.target, config);
      for (const check of checked.checks) output.stdout.write(`${check.ok ? '✓' : '✗'} ${check.name}: ${check.message}\n`);
      output.stdout.write(checked.ok ? 'Every check passed.\n' : 'Some checks failed: fix what they name, then check again.\n');
      return checked.ok ? 0 : 1;
    }
    case 'targets': {
      for (const target of service.listTargets()) {
        output.stdout.write(`${target.name}: ${target.title}. ${target.description}\n`);
        for (const setting of target.settings) {
          const given = setting.required ? 'required' : `default ${setting.defaultValue || 'none'}`;
          output.stdout.write(`  ${setting.key} (${given}): ${setting.description}\n`);
        }
        for (const secret of target.secrets) output.stdout.write(`  secret ${secret.key}: ${secret.description}; from ${secret.fallback} (the app can keep it in the OS keychain)\n`);
      }
      return 0;
    }
  }
}
