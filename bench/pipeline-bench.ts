// How fast pipelines run and check, against the plain work they stand on:
// - a 50-stage pipeline of trivial commands (`echo i > out_i`), first run with every stage recorded
//   as a tracked run, against spawning the same 50 commands one after another (bash -c, as stages run);
// - its no-change rerun and its status, each also as a ratio to spawning the 50 commands in the
//   same run: the issue's targets (100 ms) are 1.25× its 80 ms for those spawns, a ratio that
//   holds on a loaded machine where absolute times do not;
// - the status of an up-to-date stage whose dep is a folder of 10,000 files, beside a plain loop of
//   readdir and stat over the same files (and their ratio);
// - md5 of a 1 GB file read from disk (its pages dropped from the page cache with dd's nocache
//   first), beside GNU md5sum and a plain read-and-md5 loop in Node (node:crypto) of the same cold file;
// - four independent 2-second stages with --jobs 4;
// - live output: a stage printing 1,000,000 lines as fast as it can, followed as the app follows it
//   (its output pushed in batches to a listener standing for the window), beside the same command
//   with its output read straight from a pipe; and the longest the main thread was held meanwhile.
// Every figure comes from a new PipelineService (as a CLI command starts one), so worker threads
// and the hash state are loaded as they would be; the folder status is also measured from a
// service kept between calls, as the app keeps it.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { ContentHasher } from '../electron/services/pipelines/content-hasher';
import { HashState } from '../electron/services/pipelines/hash-state';
import { HashingWorkerPool } from '../electron/services/pipelines/hashing-worker-pool';
import { PipelineAppService } from '../electron/services/pipelines/pipeline-app-service';
import { PipelineProjectStore } from '../electron/services/pipelines/pipeline-project-store';
import { PipelineService, type RunOptions } from '../electron/services/pipelines/pipeline-service';
import { shellArguments } from '../electron/services/pipelines/stage-executor';
import { openCairnStores } from '../electron/services/cairn-services';
import { startTrackingServer } from '../electron/services/tracking-api/tracking-server';
import { median, type BenchFigure } from './bench-result';

const STAGES = 50;
const FILES = 10_000;
const BIG_FILE_BYTES = 1024 * 1024 * 1024;
const LOG_LINES = 1_000_000;
/** The issue's targets for a no-change rerun and a status (100 ms) over its time for spawning the 50 commands (80 ms). */
const RERUN_TARGET_RATIO = 100 / 80;
const SHELL = process.env.SHELL || '/bin/sh';

function spawnOnce(command: string, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(SHELL, shellArguments(SHELL, command), { cwd, stdio: 'ignore' });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`))));
  });
}

function writeProject(dir: string, dvcYaml: string, files: Record<string, string> = {}): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'dvc.yaml'), dvcYaml);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
}

/** Whether the page cache holds any of a file (util-linux's fincore); null when it cannot tell. */
function residentBytes(file: string): number | null {
  try {
    const out = execFileSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', file], { encoding: 'utf8' });
    return Number(out.trim());
  } catch {
    return null;
  }
}

/** md5 of a file read in 4 MB chunks on this thread: the least Node does to hash it. */
function plainNodeMd5(file: string): string {
  const hash = createHash('md5');
  const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
  const fd = fs.openSync(file, 'r');
  try {
    for (let read = fs.readSync(fd, buffer); read > 0; read = fs.readSync(fd, buffer)) hash.update(buffer.subarray(0, read));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/** Runs a command with its output read from a pipe; resolves with the lines read and the milliseconds taken. */
function spawnCountingLines(command: string, cwd: string): Promise<{ lines: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(SHELL, shellArguments(SHELL, command), { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let lines = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
    });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve({ lines, ms: performance.now() - started }) : reject(new Error(`${command} exited with ${code}`))));
  });
}

/** Pipeline overhead, rerun and status latency, folder status, cold hashing, and parallel stages. */
export async function runPipelineBench(): Promise<BenchFigure[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-pipeline-bench-'));
  const dataDir = path.join(root, 'data');
  const context = openCairnStores(dataDir);
  const { store } = context;
  const server = await startTrackingServer({ context, host: '127.0.0.1', port: 0 });
  const newService = () =>
    new PipelineService({ dataDir, store, artifacts: context.artifacts, database: context.database, trackingUri: () => server.url });
  const timed = async (work: (service: PipelineService) => Promise<unknown>): Promise<number> => {
    const service = newService();
    try {
      const started = performance.now();
      await work(service);
      return performance.now() - started;
    } finally {
      await service.close();
    }
  };
  const runPipeline = async (service: PipelineService, project: string, options: RunOptions = {}): Promise<void> => {
    const result = await (await service.start(project, options)).done;
    if (result.status !== 'succeeded') throw new Error(`the bench pipeline in ${project} ${result.status}`);
  };
  const figures: BenchFigure[] = [];
  try {
    // 50 trivial stages: the first run against the same commands spawned one after another.
    const trivial = path.join(root, 'trivial');
    const commands = Array.from({ length: STAGES }, (_, i) => `echo ${i} > out_${i}`);
    writeProject(trivial, `stages:\n${commands.map((cmd, i) => `  s${i}:\n    cmd: ${cmd}\n    outs: [out_${i}]\n`).join('')}`);
    const spawned = path.join(root, 'spawned');
    fs.mkdirSync(spawned);
    const spawnTimes: number[] = [];
    const firstRuns: number[] = [];
    for (let round = 0; round < 3; round++) {
      let started = performance.now();
      for (const command of commands) await spawnOnce(command, spawned);
      spawnTimes.push(performance.now() - started);
      fs.rmSync(path.join(trivial, 'dvc.lock'), { force: true });
      started = performance.now();
      firstRuns.push(await timed((service) => runPipeline(service, trivial)));
    }
    const spawnMs = median(spawnTimes);
    const firstMs = median(firstRuns);
    figures.push(
      { name: `first run of ${STAGES} trivial stages (tracked runs included), median of 3`, value: firstMs, unit: 'ms', target: 'none set' },
      { name: `spawning the same ${STAGES} commands one after another (bash -c), median of 3`, value: spawnMs, unit: 'ms', target: 'none set' },
      { name: 'first run ÷ spawning the commands', value: firstMs / spawnMs, unit: '×', target: '≤ 6×' },
    );
    const reruns: number[] = [];
    const statuses: number[] = [];
    for (let round = 0; round < 5; round++) {
      reruns.push(await timed((service) => runPipeline(service, trivial)));
      statuses.push(await timed((service) => service.status(trivial)));
    }
    figures.push(
      { name: `no-change rerun of the ${STAGES}-stage pipeline (${STAGES} skipped runs recorded), median of 5`, value: median(reruns), unit: 'ms', target: '≤ 100 ms' },
      { name: `no-change rerun ÷ spawning the ${STAGES} commands`, value: median(reruns) / spawnMs, unit: '×', target: `≤ ${RERUN_TARGET_RATIO.toFixed(2)}× (the issue's 100 ms ÷ its 80 ms)` },
      { name: `status of the ${STAGES}-stage pipeline, median of 5`, value: median(statuses), unit: 'ms', target: '≤ 100 ms' },
      { name: `status ÷ spawning the ${STAGES} commands`, value: median(statuses) / spawnMs, unit: '×', target: `≤ ${RERUN_TARGET_RATIO.toFixed(2)}× (the issue's 100 ms ÷ its 80 ms)` },
    );

    // An up-to-date stage whose dep is a folder of 10,000 files.
    const folder = path.join(root, 'folder');
    writeProject(folder, 'stages:\n  count:\n    cmd: ls data | wc -l > count.txt\n    deps: [data]\n    outs: [count.txt]\n');
    fs.mkdirSync(path.join(folder, 'data'));
    for (let i = 0; i < FILES; i++) fs.writeFileSync(path.join(folder, 'data', `file_${i}.txt`), `row ${i}\n`);
    await timed((service) => runPipeline(service, folder));
    const folderStatuses: number[] = [];
    for (let round = 0; round < 5; round++) {
      folderStatuses.push(
        await timed(async (service) => {
          const status = await service.status(folder);
          if (status.stages[0]!.outlook !== 'up-to-date') throw new Error('the folder stage should be up to date');
        }),
      );
    }
    // The app keeps its service (and its worker threads) between calls.
    const kept = newService();
    const keptStatuses: number[] = [];
    try {
      await kept.status(folder);
      for (let round = 0; round < 5; round++) {
        const started = performance.now();
        await kept.status(folder);
        keptStatuses.push(performance.now() - started);
      }
    } finally {
      await kept.close();
    }
    const statLoops: number[] = [];
    for (let round = 0; round < 5; round++) {
      const started = performance.now();
      for (const name of fs.readdirSync(path.join(folder, 'data'))) fs.statSync(path.join(folder, 'data', name));
      statLoops.push(performance.now() - started);
    }
    figures.push(
      { name: `status of an up-to-date stage whose dep is a folder of ${FILES.toLocaleString('en')} files, new service each time (as the CLI), median of 5`, value: median(folderStatuses), unit: 'ms', target: '≤ 300 ms' },
      { name: 'the same status from a service kept between calls (as the app keeps it), median of 5', value: median(keptStatuses), unit: 'ms', target: '≤ 300 ms' },
      { name: `readdir and stat of the same ${FILES.toLocaleString('en')} files in one loop (the least any check does), median of 5`, value: median(statLoops), unit: 'ms', target: 'none set' },
      { name: 'folder status (new service) ÷ the readdir-and-stat loop', value: median(folderStatuses) / median(statLoops), unit: '×', target: 'none set' },
    );

    // md5 of a 1 GB file read from disk.
    const big = path.join(root, 'big.bin');
    const block = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((i * 2654435761) >>> 0, i);
    const fd = fs.openSync(big, 'w');
    for (let written = 0; written < BIG_FILE_BYTES; written += block.length) fs.writeSync(fd, block);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    /** Drops the file's pages from the page cache (dd's nocache); whether fincore then finds it cold. */
    const dropFromCache = (): boolean => {
      try {
        execFileSync('dd', [`if=${big}`, 'iflag=nocache', 'count=0', 'status=none']);
        const resident = residentBytes(big);
        return resident !== null && resident < BIG_FILE_BYTES / 100;
      } catch {
        return false;
      }
    };
    const pool = new HashingWorkerPool();
    try {
      const cold = dropFromCache();
      let started = performance.now();
      await new ContentHasher(root, HashState.load(null), pool).digest([big]);
      const coldSeconds = (performance.now() - started) / 1000;
      const md5sumCold = dropFromCache();
      started = performance.now();
      execFileSync('md5sum', [big]);
      const md5sumSeconds = (performance.now() - started) / 1000;
      const nodeCold = dropFromCache();
      started = performance.now();
      plainNodeMd5(big);
      const nodeSeconds = (performance.now() - started) / 1000;
      started = performance.now();
      await new ContentHasher(root, HashState.load(null), pool).digest([big]);
      const warmSeconds = (performance.now() - started) / 1000;
      const coldLabel = (isCold: boolean) => (isCold ? 'cold (its pages dropped from the page cache first)' : 'NOT cold: the page cache could not be dropped');
      figures.push(
        { name: `md5 of a 1 GB file, ${coldLabel(cold)}`, value: 1024 / coldSeconds, unit: 'MB/s', target: '≥ 400 MB/s' },
        { name: `GNU md5sum of the same file, ${coldLabel(md5sumCold)}`, value: 1024 / md5sumSeconds, unit: 'MB/s', target: 'none set' },
        { name: `a plain read-and-md5 loop in Node (node:crypto, 4 MB reads) of the same file, ${coldLabel(nodeCold)}`, value: 1024 / nodeSeconds, unit: 'MB/s', target: 'none set' },
        { name: 'cold md5 ÷ GNU md5sum (throughput)', value: md5sumSeconds / coldSeconds, unit: '×', target: 'none set' },
        { name: 'md5 of the same file again, from the page cache', value: 1024 / warmSeconds, unit: 'MB/s', target: 'none set' },
      );
    } finally {
      await pool.close();
      fs.rmSync(big, { force: true });
    }

    // Four independent 2-second stages with --jobs 4.
    const parallel = path.join(root, 'parallel');
    writeProject(parallel, `stages:\n${[0, 1, 2, 3].map((i) => `  sleep${i}:\n    cmd: sleep 2 && echo ${i} > out_${i}\n    outs: [out_${i}]\n`).join('')}`);
    const parallelMs = await timed((service) => runPipeline(service, parallel, { jobs: 4 }));
    const started = performance.now();
    await Promise.all([0, 1, 2, 3].map((i) => spawnOnce(`sleep 2 && echo ${i} > out_${i}`, spawned)));
    const parallelSpawnMs = performance.now() - started;
    figures.push(
      { name: 'four independent 2-second stages with --jobs 4', value: parallelMs / 1000, unit: 's', target: '≤ 2.6 s' },
      { name: 'the same four commands spawned at once, without Cairn', value: parallelSpawnMs / 1000, unit: 's', target: 'none set' },
    );

    figures.push(...(await measureLiveOutput(root, context.database, newService)));
    return figures;
  } finally {
    await server.close();
    context.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * A stage printing LOG_LINES lines, followed as the app follows it: the service's events go through
 * the app's pipelines service, which pushes them to the window in batches (a listener here counts
 * the lines it would show). Beside it, the same command with its output read straight from a pipe.
 */
async function measureLiveOutput(
  root: string,
  database: ReturnType<typeof openCairnStores>['database'],
  newService: () => PipelineService,
): Promise<BenchFigure[]> {
  const project = path.join(root, 'chatty');
  const command = `seq 1 ${LOG_LINES}`;
  writeProject(project, `stages:\n  chatty:\n    cmd: ${command}\n    always_changed: true\n`);
  const raw = await spawnCountingLines(command, project);
  if (raw.lines !== LOG_LINES) throw new Error(`the raw command printed ${raw.lines} lines, not ${LOG_LINES}`);
  const service = newService();
  let pushes = 0;
  let lastLineAt = 0;
  let runningAt = 0;
  let longestGapMs = 0;
  let previousPushAt = 0;
  const lastLine = `\n${LOG_LINES}\n`;
  const app = new PipelineAppService({
    service,
    projects: new PipelineProjectStore(database),
    publish: (progress) => {
      const now = performance.now();
      pushes++;
      if (previousPushAt && runningAt && !lastLineAt) longestGapMs = Math.max(longestGapMs, now - previousPushAt);
      previousPushAt = now;
      for (const event of progress.events) {
        if (event.type === 'stage-log' && `\n${event.text}`.endsWith(lastLine)) lastLineAt = now;
      }
    },
  });
  // The clock starts when the service says the stage runs, not when the window hears it (that
  // comes with the next batch, up to an interval later).
  const stopWatching = service.onEvent((event) => {
    if (event.type === 'stage-state' && event.state === 'running') runningAt = performance.now();
  });
  // The machine's own delay, to set beside the delay while the stage prints: the longest the main
  // thread waits with nothing to do but wake up, over as long as the stage is expected to take.
  const idle = monitorEventLoopDelay({ resolution: 10 });
  idle.enable();
  await new Promise((resolve) => setTimeout(resolve, Math.max(1000, raw.ms * 5)));
  idle.disable();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  try {
    delay.enable();
    // The histogram's first timer tick only starts its clock: a stall before it is not counted. Wait
    // past it, so that the synchronous start of the execution (reading the pipeline, creating its
    // runs, spawning the stage) is measured too.
    await new Promise((resolve) => setTimeout(resolve, 25));
    const result = await (await service.start(project)).done;
    if (result.status !== 'succeeded') throw new Error(`the chatty stage ${result.status}`);
    // The last batch is pushed at most one interval after the stage ends.
    const waitUntil = performance.now() + 2000;
    while (!lastLineAt && performance.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 10));
    delay.disable();
    if (!lastLineAt || !runningAt) throw new Error('the window never got the stage\'s last line');
  } finally {
    stopWatching();
    await app.close();
  }
  const followedMs = lastLineAt - runningAt;
  return [
    { name: `a stage printing ${LOG_LINES.toLocaleString('en')} lines, followed as the window follows it: lines/s until its last line reached the window`, value: LOG_LINES / (followedMs / 1000), unit: 'lines/s', target: '≥ 10,000 lines/s' },
    { name: 'the same command with its output read straight from a pipe (lines/s)', value: LOG_LINES / (raw.ms / 1000), unit: 'lines/s', target: 'none set' },
    { name: 'followed ÷ straight from a pipe (throughput)', value: raw.ms / followedMs, unit: '×', target: 'none set' },
    { name: 'batches pushed to the window while it printed', value: pushes, unit: '', target: 'none set' },
    { name: 'longest gap between two pushed batches while it printed', value: longestGapMs, unit: 'ms', target: 'none set' },
    { name: 'longest the main thread was held while it printed (event-loop delay, max)', value: delay.max / 1e6, unit: 'ms', target: '≤ 50 ms' },
    { name: 'the same with nothing running (the machine\'s own delay, max)', value: idle.max / 1e6, unit: 'ms', target: 'none set' },
  ];
}
