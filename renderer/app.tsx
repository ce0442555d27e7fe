// The app shell: header, and the page of the current route. Starts the app-wide loads and the
// live subscription to tracker changes.
import { useEffect } from 'react';
import { AppHeader } from './components/app-header';
import { ComparePage } from './pages/compare/compare-page';
import { ExperimentsPage } from './pages/experiments/experiments-page';
import { ModelsPage } from './pages/models/models-page';
import { NotFoundPage } from './pages/not-found-page';
import { RunPage } from './pages/run/run-page';
import { RunsPage } from './pages/runs/runs-page';
import { useRoute } from './router';
import { useAppStore } from './stores/app-store';

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
    case 'not-found':
      return <NotFoundPage path={route.path} />;
  }
}

/** The root component. */
export function App() {
  const ready = useAppStore((state) => state.appInfo !== null || state.appInfoError !== null);
  useEffect(() => {
    const state = useAppStore.getState();
    void state.loadAppInfo();
    return state.watchTracker();
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
