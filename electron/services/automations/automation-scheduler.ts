// The background scheduler of the app and `cairn serve`: watches each registered project's
// automations file and watched data with the OS's file events (no polling) and sleeps until the
// next cron time, so that idle it costs nothing. A trigger that fires while its automation runs
// is coalesced into one more evaluation after the run; firings run off the caller's path.
import fs from 'node:fs';
import path from 'node:path';
import type { AutomationActor } from '../../../shared/automation-models';
import { formatAutomationIssue, AutomationsFileError, type AutomationsFile } from './automation-definition';
import type { AutomationStore } from './automation-store';
import { automationsFileOf, readAutomationsFile } from './automations-file';
import type { AutomationRunResult, ContinuousTrainingService } from './continuous-training-service';
import { nextFiring } from './cron-schedule';

/** How the scheduler behaves. */
export interface AutomationSchedulerOptions {
  /** Quiet time after a file event before the triggers are evaluated (a batch written in pieces settles). */
  readonly settleMs?: number;
  /** Hears every evaluation's results and errors (the app logs them and notifies). */
  readonly onResult?: (projectDir: string, results: readonly AutomationRunResult[]) => void;
  readonly onError?: (projectDir: string, error: Error) => void;
}

interface Queue {
  running: Promise<void> | null;
  /** Another evaluation is asked for while one runs (manual when any asker was a person). */
  pending: { manual: boolean; actor: AutomationActor | null } | null;
}

interface WatchedProject {
  readonly projectDir: string;
  readonly watchers: fs.FSWatcher[];
  readonly timers: NodeJS.Timeout[];
  /** The file's problems, when it cannot be read. */
  problem: string | null;
}

/** The longest a timer may wait (setTimeout's limit); a later cron time is re-armed when it passes. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Runs automations on their triggers in the background. */
export class AutomationScheduler {
  private readonly projects = new Map<string, WatchedProject>();
  private readonly queues = new Map<string, Queue>();
  private readonly settle = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly service: ContinuousTrainingService,
    private readonly store: AutomationStore,
    private readonly options: AutomationSchedulerOptions = {},
  ) {}

  /** Ends firings left by ended processes, then watches every registered project. */
  async start(): Promise<void> {
    await this.service.recover();
    for (const projectDir of this.store.listProjects()) this.watch(projectDir);
  }

  /** Adds a project (remembered in the database) and watches it; AutomationsFileError when its file is wrong. */
  addProject(projectDir: string): void {
    const absolute = path.resolve(projectDir);
    readAutomationsFile(automationsFileOf(absolute));
    this.store.addProject(absolute);
    this.watch(absolute);
  }

  /** Stops watching a project and forgets it (its audit trail stays). */
  removeProject(projectDir: string): void {
    const absolute = path.resolve(projectDir);
    this.unwatch(absolute);
    this.store.removeProject(absolute);
  }

  /** The problem of a project's automations file, when the scheduler cannot use it. */
  problemOf(projectDir: string): string | null {
    return this.projects.get(path.resolve(projectDir))?.problem ?? null;
  }

  /** Asks for an evaluation of one automation (`manual`: a person's Run now); resolves when it and any coalesced one have run. */
  request(projectDir: string, automation: string, manual: boolean, actor: AutomationActor | null = null): Promise<void> {
    const key = `${path.resolve(projectDir)}\u0000${automation}`;
    const queue = this.queues.get(key) ?? { running: null, pending: null };
    this.queues.set(key, queue);
    if (queue.running) {
      queue.pending = { manual: manual || (queue.pending?.manual ?? false), actor: actor ?? queue.pending?.actor ?? null };
      return queue.running;
    }
    const loop = async () => {
      let next: Queue['pending'] = { manual, actor };
      while (next && !this.closed) {
        queue.pending = null;
        try {
          const results = await this.service.runDue(path.resolve(projectDir), { automation, manual: next.manual, ...(next.actor ? { actor: next.actor } : {}) });
          this.options.onResult?.(projectDir, results);
        } catch (error) {
          this.options.onError?.(projectDir, error instanceof Error ? error : new Error(String(error)));
        }
        next = queue.pending;
      }
      queue.running = null;
    };
    queue.running = loop();
    return queue.running;
  }

  /** Stops watching and waits for the evaluations under way. */
  async close(): Promise<void> {
    this.closed = true;
    for (const projectDir of [...this.projects.keys()]) this.unwatch(projectDir);
    for (const timer of this.settle.values()) clearTimeout(timer);
    await Promise.allSettled([...this.queues.values()].flatMap((queue) => (queue.running ? [queue.running] : [])));
  }

  private watch(projectDir: string): void {
    this.unwatch(projectDir);
    const project: WatchedProject = { projectDir, watchers: [], timers: [], problem: null };
    this.projects.set(projectDir, project);
    // The automations file itself: a change re-reads it.
    project.watchers.push(this.watchPath(path.dirname(automationsFileOf(projectDir)), false, (name) => {
      if (name === path.basename(automationsFileOf(projectDir))) this.later(`file\u0000${projectDir}`, () => this.watch(projectDir));
    }));
    let file: AutomationsFile;
    try {
      file = readAutomationsFile(automationsFileOf(projectDir));
    } catch (error) {
      project.problem = error instanceof AutomationsFileError ? error.issues.map(formatAutomationIssue).join('\n') : String(error);
      return;
    }
    for (const spec of file.automations) {
      if (spec.data.watch) {
        const target = existingFolderOf(spec.data.watch);
        const inside = (name: string | null) => !name || path.resolve(target, name).startsWith(spec.data.watch!) || spec.data.watch!.startsWith(path.resolve(target, name));
        project.watchers.push(this.watchPath(target, true, (name) => {
          if (inside(name)) this.later(`data\u0000${projectDir}\u0000${spec.name}`, () => void this.request(projectDir, spec.name, false));
        }));
      }
      for (const trigger of spec.triggers) {
        if (trigger.kind !== 'schedule') continue;
        const arm = () => {
          const wait = nextFiring(trigger.schedule, Date.now()) - Date.now();
          const timer = setTimeout(() => {
            project.timers.splice(project.timers.indexOf(timer), 1);
            if (wait <= MAX_TIMER_MS) void this.request(projectDir, spec.name, false);
            arm();
          }, Math.min(Math.max(wait, 0) + 5, MAX_TIMER_MS));
          timer.unref();
          project.timers.push(timer);
        };
        arm();
      }
    }
    // Data that landed while nothing watched (the app was closed) is taken now.
    for (const spec of file.automations) if (spec.data.watch) void this.request(projectDir, spec.name, false);
  }

  private watchPath(folder: string, recursive: boolean, onName: (name: string | null) => void): fs.FSWatcher {
    const watcher = fs.watch(folder, { recursive, persistent: false }, (_event, name) => onName(name === null ? null : String(name)));
    watcher.on('error', (error) => this.options.onError?.(folder, error));
    return watcher;
  }

  private later(key: string, work: () => void): void {
    clearTimeout(this.settle.get(key));
    const timer = setTimeout(() => {
      this.settle.delete(key);
      if (!this.closed) work();
    }, this.options.settleMs ?? 150);
    timer.unref();
    this.settle.set(key, timer);
  }

  private unwatch(projectDir: string): void {
    const project = this.projects.get(projectDir);
    if (!project) return;
    for (const watcher of project.watchers) watcher.close();
    for (const timer of project.timers) clearTimeout(timer);
    this.projects.delete(projectDir);
  }
}

/** The watched path's folder, or its nearest existing ancestor when it does not exist yet. */
function existingFolderOf(target: string): string {
  let folder = target;
  for (;;) {
    try {
      if (fs.statSync(folder).isDirectory()) return folder;
    } catch {
      // Missing: try its parent.
    }
    const parent = path.dirname(folder);
    if (parent === folder) return folder;
    folder = parent;
  }
}
