// The app shell: header, the disk-full banner, the page of the current route, and the automations'
// notices over every page. Starts the app-wide loads and the live subscriptions to tracker changes,
// storage, pipeline and data progress, deployments and automations, and
// applies the chosen theme to the page. Each page is its own chunk, loaded when first shown and
// drawn as soon as it is in, without suspending (pages.ts): the first bundle holds the shell alone.
import { useEffect, useLayoutEffect } from 'react';
import { AppHeader } from './components/app-header';
import { DiskFullBanner } from './components/disk-full-banner';
import { AutomationNotices } from './components/automation-notices';
import {
  AutomationsPage,
  ComparePage,
  CompareVersionsPage,
  DataPage,
  DeploymentsPage,
  ExperimentsPage,
  ModelPage,
  ModelsPage,
  NotFoundPage,
  PipelinesPage,
  RunPage,
  RunsPage,
} from './pages';
import { useRoute } from './router';
import type { ThemeChoice } from './stores/ui-slice';
import { useAppStore } from './use-app-store';

/** Sets the page's theme: the OS's (no attribute; CSS follows prefers-color-scheme) or a forced one. */
function applyTheme(theme: ThemeChoice): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

function CurrentPage() {
  const route = useRoute();
  switch (route.name) {
    case 'experiments':
      return <ExperimentsPage />;
    case 'runs':
      return <RunsPage key={route.experimentId} experimentId={route.experimentId} />;
    case 'run':
      return <RunPage />;
    case 'compare':
      return <ComparePage />;
    case 'models':
      return <ModelsPage />;
    case 'pipelines':
      return <PipelinesPage />;
    case 'model-version':
      return <ModelPage key={route.modelName} name={route.modelName} openVersion={route.version} />;
    case 'model-compare':
      return <CompareVersionsPage name={route.modelName} a={route.a} b={route.b} />;
    case 'deployments':
      return <DeploymentsPage />;
    case 'data':
      return <DataPage />;
    case 'automations':
      return <AutomationsPage />;
    case 'not-found':
      return <NotFoundPage path={route.path} />;
  }
}

/** The root component. */
export function App() {
  const ready = useAppStore((state) => state.appInfo !== null || state.appInfoError !== null);
  const theme = useAppStore((state) => state.theme);
  useLayoutEffect(() => applyTheme(theme), [theme]);
  useEffect(() => {
    const state = useAppStore.getState();
    void state.loadAppInfo();
    const stopTracker = state.watchTracker();
    const stopStorage = state.watchStorage();
    const stopPipelines = state.watchPipelines();
    const stopDeployments = state.watchDeployments();
    const stopData = state.watchData();
    const stopAutomations = state.watchAutomations();
    return () => {
      stopTracker();
      stopStorage();
      stopPipelines();
      stopDeployments();
      stopData();
      stopAutomations();
    };
  }, []);
  return (
    <div className="app" data-testid={ready ? 'app-ready' : undefined}>
      <AppHeader />
      <DiskFullBanner />
      <main className="app-main">
        <CurrentPage />
      </main>
      <AutomationNotices />
    </div>
  );
}
