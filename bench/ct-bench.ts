// Continuous training's own costs, measured on the services as the app and `cairn serve` start
// them (startCairnServices, its background scheduler watching a project): the scheduler's CPU
// time while nothing happens; from a data file landing in the watched folder to its firing
// starting; and the longest wait of a UI call (through the IPC handlers, every 10 ms) while a
// firing runs a real pipeline: a scikit-learn model trained in a subprocess whose progress lines
// stream into the stage's live log, and a stage printing 200,000 lines. The machine's own delay
// (the same probe with nothing running) is measured in the same run, for reference.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AutomationFiring } from '../shared/automation-models';
import { dispatchCall } from '../electron/services/api/call-handlers';
import { startCairnServices, type CairnServices } from '../electron/services/cairn-services';
import { median, type BenchFigure } from './bench-result';
import { probeUiCalls, UI_CALL_INTERVAL_MS, type UiCallProbe } from './ui-call-probe';

const PYTHON = process.env.CAIRN_PYTHON ?? '/usr/bin/python3';
const LANDINGS = 3;
/** A UI call waiting longer than this is listed with CAIRN_BENCH_CT_TRACE. */
const LATE_UI_CALL_MS = 40;
const IDLE_MS = 10_000;

// A stage that trains a random forest on 20,000 synthetic rows, printing a line per tree.
const TRAIN_SCRIPT = `
import sys, numpy as np
from sklearn.ensemble import RandomForestClassifier
rng = np.random.default_rng(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
x = rng.normal(size=(20000, 20)); y = (x[:, 0] + x[:, 1] * 0.5 + rng.normal(size=20000) > 0).astype(int)
model = RandomForestClassifier(n_estimators=1, warm_start=True, n_jobs=1, random_state=0)
for trees in range(1, 41):
    model.set_params(n_estimators=trees); model.fit(x, y)
    print(f"tree {trees}: train accuracy {model.score(x[:2000], y[:2000]):.4f}", flush=True)
open("model.txt", "w").write("trained\\n")
`;

/** A project whose automation runs its pipeline when a file lands in incoming/. */
function writeProject(project: string): void {
  fs.mkdirSync(path.join(project, 'incoming'), { recursive: true });
  fs.writeFileSync(path.join(project, 'train.py'), TRAIN_SCRIPT);
  fs.writeFileSync(path.join(project, 'params.yaml'), 'new_data: ""\n');
  fs.writeFileSync(
    path.join(project, 'dvc.yaml'),
    [
      'stages:',
      '  logs:',
      `    cmd: ${PYTHON} -c "import sys; sys.stdout.writelines(f'line {i} of the stage log\\\\n' for i in range(200000))" > /dev/null; seq 1 200000`,
      '    params: [new_data]',
      '  train:',
      `    cmd: ${PYTHON} train.py`,
      '    deps: [train.py]',
      '    params: [new_data]',
      '    outs: [model.txt]',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(project, 'cairn-automations.yaml'),
    `python: ${PYTHON}\nautomations:\n  retrain:\n    data: {watch: incoming}\n    triggers: [new-data]\n    action: {pipeline: ., new_data: {param: new_data}}\n`,
  );
}

/** Lands a CSV batch in the watched folder as a finished file (written aside, then renamed); returns when. */
function land(project: string, name: string): number {
  const file = path.join(project, 'incoming', name);
  fs.writeFileSync(`${file}.tmp`, `a,b\n${Array.from({ length: 500 }, (_, i) => `${i},${(i * 7) % 3}`).join('\n')}\n`);
  const at = Date.now();
  fs.renameSync(`${file}.tmp`, file);
  return at;
}

async function call<T>(services: CairnServices, name: string, payload: unknown): Promise<T> {
  const answer = await dispatchCall(services.handlers, name, payload);
  if (!answer.ok) throw new Error(`${name}: ${answer.error.message}`);
  return answer.value as T;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined>, timeoutMs = 300_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The Automations page's calls while a firing runs: the automations' state and the trail. */
function probeAutomationsPage(services: CairnServices, projectDir: string): UiCallProbe {
  const pageCalls = async () => {
    await call(services, 'listAutomations', { projectDir });
    await call(services, 'listAutomationFirings', { projectDir, limit: 20 });
  };
  return probeUiCalls(pageCalls, LATE_UI_CALL_MS);
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** The scheduler's idle cost, trigger latency, and the UI's longest wait during a firing. */
export async function runCtBench(): Promise<BenchFigure[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-ct-bench-'));
  const project = path.join(root, 'project');
  writeProject(project);
  const services = startCairnServices({ dataDir: path.join(root, 'data'), mode: 'browser' });
  try {
    // Idle: the services with no project, then with the scheduler watching one; nothing lands.
    const idleCpu = async () => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const before = cpuMs();
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      return Math.round(cpuMs() - before);
    };
    const servicesIdleCpu = await idleCpu();
    await call(services, 'addAutomationProject', { projectDir: project });
    const firings = async () => call<AutomationFiring[]>(services, 'listAutomationFirings', { projectDir: project, limit: 50 });
    const watchingIdleCpu = await idleCpu();
    const ownDelay = probeAutomationsPage(services, project);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const machineDelay = await ownDelay.stop();

    const latencies: number[] = [];
    const waits: number[] = [];
    const durations: number[] = [];
    for (let i = 0; i < LANDINGS; i++) {
      const uiCalls = probeAutomationsPage(services, project);
      const landedAt = land(project, `batch-${i}.csv`);
      const firing = await until(`firing ${i + 1}`, async () => (await firings()).find((one) => one.trigger.kind === 'new-data' && one.startedAt >= landedAt - 1000));
      latencies.push(firing.startedAt - landedAt);
      const ended = await until(`firing ${i + 1} to end`, async () => (await firings()).find((one) => one.id === firing.id && one.endedAt !== null));
      waits.push(await uiCalls.stop());
      if (process.env.CAIRN_BENCH_CT_TRACE) {
        console.log(`  late calls: ${uiCalls.late.map((one) => `+${one.at - landedAt} ms: ${one.ms} ms`).join('; ')}`);
        console.log(`  steps: ${ended.steps.map((step) => `${step.name} +${step.startedAt - landedAt}..+${(step.endedAt ?? 0) - landedAt}`).join('; ')}`);
      }
      if (ended.outcome !== 'completed') throw new Error(`firing ${ended.id} ended ${ended.outcome}: ${ended.reason ?? ''}`);
      durations.push(ended.endedAt! - ended.startedAt);
    }
    console.log(
      `  (samples: latency ${latencies.join(', ')} ms; longest UI wait ${waits.join(', ')} ms; firings ${durations.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s; ` +
        `load average ${os.loadavg()[0]!.toFixed(1)})`,
    );
    return [
      { name: `CPU time of the whole process over ${IDLE_MS / 1000} s while the scheduler watches a project and nothing lands`, value: watchingIdleCpu, unit: 'ms', target: 'none set' },
      { name: `the same with no project watched (the services' own idle cost, for reference)`, value: servicesIdleCpu, unit: 'ms', target: 'reference' },
      { name: `the scheduler's share: the difference, over ${IDLE_MS / 1000} s`, value: watchingIdleCpu - servicesIdleCpu, unit: 'ms', target: 'no measurable CPU' },
      { name: `a data file landing in the watched folder → its firing started, median of ${LANDINGS}`, value: median(latencies), unit: 'ms', target: '≤ 2,000 ms' },
      { name: `a firing's whole run (new data, pipeline: 200,000 log lines and a scikit-learn model), median of ${LANDINGS}`, value: Math.round(median(durations)), unit: 'ms', target: 'none set' },
      {
        name: `longest wait of a UI call (listAutomations + listAutomationFirings every ${UI_CALL_INTERVAL_MS} ms through the IPC handlers) while a firing runs, worst of ${LANDINGS}`,
        value: Math.max(...waits),
        unit: 'ms',
        target: '≤ 50 ms',
      },
      { name: 'median of those worst waits', value: median(waits), unit: 'ms', target: '≤ 50 ms' },
      { name: 'the same UI calls over 5 s with nothing running (the machine\'s own delay)', value: machineDelay, unit: 'ms', target: 'reference' },
    ];
  } finally {
    await services.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
