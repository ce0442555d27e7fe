// Announces what changed in the automations as `automations.changed` payloads: this process's
// writes as the store reports them, and other processes' (a `cairn ct` in a terminal, `cairn serve`
// beside the app) found by looking at the database's data_version, as the deploy capability does.
// A firing that reaches promoted, rejected, failed or waiting-approval becomes a notice, once.
import type { AutomationFiring, AutomationNotice } from '../../../shared/automation-models';
import { createCoalescingThrottle } from '../../../shared/coalescing-throttle';
import type { AutomationsChange } from '../../../shared/contract';
import type { AutomationStore } from './automation-store';

/** The outcomes a person is told about. */
const NOTIFIED: ReadonlySet<string> = new Set(['promoted', 'rejected', 'failed', 'waiting-approval']);

/** Whether the firing ended before training anything because the new data failed its required checks. */
function checksRejected(firing: AutomationFiring): boolean {
  return !firing.candidate && (firing.gate?.rules.some((rule) => rule.kind === 'checks' && !rule.passed) ?? false);
}

/** The notice of a firing that ended so (or now waits for a person), in words. */
export function noticeOf(firing: AutomationFiring): AutomationNotice | null {
  if (!NOTIFIED.has(firing.outcome)) return null;
  const promotion = firing.promotion;
  const candidate = promotion?.version ? `${promotion.model} version ${promotion.version}` : 'the candidate';
  const title =
    firing.outcome === 'promoted'
      ? `${firing.automation} promoted ${candidate}${promotion ? ` to @${promotion.alias}` : ''}`
      : firing.outcome === 'rejected'
        ? checksRejected(firing)
          ? `${firing.automation} rejected the new data: its required checks failed`
          : `${firing.automation} rejected ${candidate}`
        : firing.outcome === 'waiting-approval'
          ? `${firing.automation}: a candidate waits for your approval`
          : `${firing.automation} failed`;
  return {
    firingId: firing.id,
    projectDir: firing.projectDir,
    automation: firing.automation,
    outcome: firing.outcome as AutomationNotice['outcome'],
    title,
    body: firing.reason ?? '',
    at: firing.endedAt ?? Date.now(),
  };
}

/** Starts announcing changes through `publish` (at most one payload per interval); returns the stop function. */
export function startAutomationChangeFeed(
  store: AutomationStore,
  publish: (change: AutomationsChange) => void,
  options: { readonly intervalMs?: number; readonly otherProcessesIntervalMs?: number } = {},
): () => void {
  /** The outcome last announced for each firing, so that a notice goes out once. */
  const announced = new Map<number, string>();
  const throttle = createCoalescingThrottle<number | 'settings', { firingIds: Set<number>; settings: boolean }>({
    intervalMs: options.intervalMs ?? 150,
    edge: 'trailing',
    createBatch: () => ({ firingIds: new Set(), settings: false }),
    addToBatch: (batch, item) => {
      if (item === 'settings') batch.settings = true;
      else batch.firingIds.add(item);
    },
    flush: (batch) => {
      const firings: AutomationFiring[] = [];
      for (const id of batch.firingIds) {
        try {
          firings.push(store.getFiring(id));
        } catch {
          // Deleted since: nothing to show.
        }
      }
      const notices: AutomationNotice[] = [];
      for (const firing of firings) {
        if (announced.get(firing.id) === firing.outcome) continue;
        announced.set(firing.id, firing.outcome);
        const notice = noticeOf(firing);
        if (notice) notices.push(notice);
      }
      publish({
        firings: firings.map((firing) => ({ id: firing.id, projectDir: firing.projectDir, automation: firing.automation, outcome: firing.outcome })),
        settings: batch.settings,
        notices,
      });
    },
    onError: (error) => console.error('cairn: publishing an automations change failed', error),
  });
  const stopLocal = store.onChange((change) => throttle.add(change.kind === 'settings' ? 'settings' : change.firingId));
  store.changesFromOtherProcesses();
  const timer = setInterval(() => {
    const found = store.changesFromOtherProcesses();
    for (const id of found.firingIds) throttle.add(id);
    if (found.settings) throttle.add('settings');
  }, options.otherProcessesIntervalMs ?? 500);
  timer.unref();
  return () => {
    clearInterval(timer);
    stopLocal();
    throttle.stop();
  };
}
