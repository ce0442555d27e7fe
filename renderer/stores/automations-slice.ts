// Continuous training as the app shows it: the projects whose automations run in the background,
// each project's automations with their state and its audit trail, and the notices a person should
// see wherever they are (a candidate promoted or rejected, an automation failed, a candidate
// waiting for approval). Kept live by the `automations.changed` event, which also carries what
// `cairn serve` or a `cairn ct` beside the app did on the same data folder.
import type { StateCreator } from 'zustand';
import type { AutomationFiring, AutomationNotice, AutomationSummary } from '../../shared/automation-models';
import type { AutomationProject, AutomationsChange } from '../../shared/contract';
import type { AppState, SliceContext } from './app-store';
import { describeError } from './describe-error';
import type { ListStatus } from './experiments-slice';

/** One project's automations and audit trail as shown. */
export interface AutomationProjectView {
  readonly automations: readonly AutomationSummary[];
  /** Newest first. */
  readonly firings: readonly AutomationFiring[];
  readonly status: ListStatus;
  readonly error: string | null;
}

/** Where the latest action on an automation stands (Run now, Enable, Cancel, Approve, ...). */
export interface AutomationActionState {
  readonly status: 'idle' | 'working' | 'done' | 'error';
  readonly label: string;
  readonly error: string | null;
}

/** The automations slice of the app store. */
export interface AutomationsSlice {
  readonly automationProjects: { readonly items: readonly AutomationProject[]; readonly status: ListStatus; readonly error: string | null };
  /** By project folder. */
  readonly automationViews: Readonly<Record<string, AutomationProjectView>>;
  readonly automationAction: AutomationActionState;
  /** Notices not dismissed yet, newest first. */
  readonly automationNotices: readonly AutomationNotice[];
  /** Loads the projects, then each project's automations and trail. */
  loadAutomationProjects(): Promise<void>;
  /** Loads (again) one project's automations and audit trail, keeping what is shown while it loads. */
  loadAutomationProject(projectDir: string): Promise<void>;
  /** Adds a project folder holding cairn-automations.yaml; whether it was added (else the reason is in automationAction). */
  addAutomationProject(projectDir: string): Promise<boolean>;
  removeAutomationProject(projectDir: string): Promise<void>;
  runAutomation(projectDir: string, automation: string): Promise<void>;
  setAutomationEnabled(projectDir: string, automation: string, enabled: boolean): Promise<void>;
  cancelAutomationFiring(firing: AutomationFiring): Promise<void>;
  decideAutomationFiring(firing: AutomationFiring, decision: 'approved' | 'rejected'): Promise<void>;
  dismissAutomationNotice(firingId: number): void;
  clearAutomationAction(): void;
  /** Subscribes to automation changes and keeps what is shown live; returns the function that stops it. */
  watchAutomations(): () => void;
}

/** The most notices kept at once; older ones are dropped. */
const MAX_NOTICES = 5;
/** The firings of the trail loaded per project. */
const TRAIL_LIMIT = 100;

const EMPTY_VIEW: AutomationProjectView = { automations: [], firings: [], status: 'idle', error: null };

/** Builds the automations slice. */
export function createAutomationsSlice({ api }: SliceContext): StateCreator<AppState, [], [], AutomationsSlice> {
  return (set, get) => {
    const generations = new Map<string, number>();
    const patchView = (projectDir: string, patch: Partial<AutomationProjectView>) =>
      set((state) => ({ automationViews: { ...state.automationViews, [projectDir]: { ...(state.automationViews[projectDir] ?? EMPTY_VIEW), ...patch } } }));

    /** Runs an action, recording where it stands; whether it succeeded. */
    const act = async (label: string, work: () => Promise<unknown>): Promise<boolean> => {
      set({ automationAction: { status: 'working', label, error: null } });
      try {
        await work();
        set({ automationAction: { status: 'done', label, error: null } });
        return true;
      } catch (error) {
        set({ automationAction: { status: 'error', label, error: describeError(error) } });
        return false;
      }
    };

    const onChange = (change: AutomationsChange) => {
      if (change.notices.length > 0) {
        set((state) => {
          const fresh = change.notices.filter((notice) => !state.automationNotices.some((shown) => shown.firingId === notice.firingId && shown.outcome === notice.outcome));
          return { automationNotices: [...[...fresh].reverse(), ...state.automationNotices].slice(0, MAX_NOTICES) };
        });
      }
      // Only what the page has loaded is refetched; a project another process added appears with the list.
      if (get().automationProjects.status === 'idle') return;
      if (change.settings) {
        void get().loadAutomationProjects();
        return;
      }
      for (const projectDir of new Set(change.firings.map((firing) => firing.projectDir))) {
        if (get().automationViews[projectDir]) void get().loadAutomationProject(projectDir);
      }
    };

    return {
      automationProjects: { items: [], status: 'idle', error: null },
      automationViews: {},
      automationAction: { status: 'idle', label: '', error: null },
      automationNotices: [],

      async loadAutomationProjects() {
        if (get().automationProjects.status !== 'ready') set((state) => ({ automationProjects: { ...state.automationProjects, status: 'loading', error: null } }));
        try {
          const items = await api.listAutomationProjects({});
          set({ automationProjects: { items, status: 'ready', error: null } });
          await Promise.all(items.map((project) => get().loadAutomationProject(project.projectDir)));
        } catch (error) {
          set((state) => ({ automationProjects: { ...state.automationProjects, status: 'error', error: describeError(error) } }));
        }
      },

      async loadAutomationProject(projectDir) {
        const mine = (generations.get(projectDir) ?? 0) + 1;
        generations.set(projectDir, mine);
        if (!get().automationViews[projectDir]) patchView(projectDir, { status: 'loading' });
        const firings = api.listAutomationFirings({ projectDir, limit: TRAIL_LIMIT });
        try {
          const automations = await api.listAutomations({ projectDir });
          const trail = await firings;
          if (generations.get(projectDir) === mine) patchView(projectDir, { automations, firings: trail, status: 'ready', error: null });
        } catch (error) {
          // A broken file still leaves the trail readable.
          const trail = await firings.catch(() => get().automationViews[projectDir]?.firings ?? []);
          if (generations.get(projectDir) === mine) patchView(projectDir, { automations: [], firings: trail, status: 'error', error: describeError(error) });
        }
      },

      async addAutomationProject(projectDir) {
        const added = await act(`Add ${projectDir}`, () => api.addAutomationProject({ projectDir: projectDir.trim() }));
        if (added) await get().loadAutomationProjects();
        return added;
      },

      async removeAutomationProject(projectDir) {
        if (await act(`Remove ${projectDir}`, () => api.removeAutomationProject({ projectDir }))) {
          set((state) => {
            const views = { ...state.automationViews };
            delete views[projectDir];
            return { automationViews: views };
          });
          await get().loadAutomationProjects();
        }
      },

      async runAutomation(projectDir, automation) {
        await act(`Run ${automation}`, () => api.runAutomation({ projectDir, automation }));
      },

      async setAutomationEnabled(projectDir, automation, enabled) {
        if (await act(`${enabled ? 'Enable' : 'Disable'} ${automation}`, () => api.setAutomationEnabled({ projectDir, automation, enabled }))) {
          await get().loadAutomationProject(projectDir);
        }
      },

      async cancelAutomationFiring(firing) {
        await act(`Cancel firing #${firing.id} of ${firing.automation}`, () => api.cancelAutomationFiring({ firingId: firing.id }));
      },

      async decideAutomationFiring(firing, decision) {
        const label = `${decision === 'approved' ? 'Approve' : 'Reject'} the candidate of firing #${firing.id}`;
        if (await act(label, () => api.decideAutomationFiring({ firingId: firing.id, decision }))) await get().loadAutomationProject(firing.projectDir);
      },

      dismissAutomationNotice(firingId) {
        set((state) => ({ automationNotices: state.automationNotices.filter((notice) => notice.firingId !== firingId) }));
      },

      clearAutomationAction() {
        set({ automationAction: { status: 'idle', label: '', error: null } });
      },

      watchAutomations() {
        return api.onEvent('automations.changed', onChange);
      },
    };
  };
}
