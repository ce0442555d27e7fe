// The app shell: header, and the page of the current route. Starts the app-wide loads and the
// live subscription to tracker changes, and applies the chosen theme to the page.
import { useEffect, useLayoutEffect } from 'react';
import { AppHeader } from './components/app-header';
import { ComparePage } from './pages/compare/compare-page';
import { DeploymentsPage } from './pages/deployments/deployments-page';
import { ExperimentsPage } from './pages/experiments/experiments-page';
import { CompareVersionsPage } from './pages/models/compare-versions-page';
import { ModelPage } from './pages/models/model-page';
import { ModelsPage } from './pages/models/models-page';
import { NotFoundPage } from './pages/not-found-page';
import { RunPage } from './pages/run/run-page';
import { RunsPage } from './pages/runs/runs-page';
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
    case 'model-version':
      return <ModelPage key={route.modelName} name={route.modelName} openVersion={route.version} />;
    case 'model-compare':
      return <CompareVersionsPage name={route.modelName} a={route.a} b={route.b} />;
    case 'deployments':
      return <DeploymentsPage />;
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
    const stopDeployments = state.watchDeployments();
    const stopTracker = state.watchTracker();
    return () => {
      stopTracker();
      stopDeployments();
    };
  }, []);
  return (
    <div className="app" data-testid={ready ? 'app-ready' : undefined}>
      <AppHeader />
      <main className="app-main">
        <CurrentPage />
      </main>
    </div>
  );
}
