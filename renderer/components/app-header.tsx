// The bar at the top of every page: the app's name (home), the links to the experiments, the
// models, the pipelines, the data, the deployments and the automations, the MLflow tracking address with a button copying the export line, and the theme switch.
import { useRoute } from '../router';
import { routeHref } from '../models/routes';
import { useAppStore } from '../use-app-store';
import { CopyButton } from './copy-button';
import { trackingExportLine } from './getting-started';
import { ThemeToggle } from './theme-toggle';

/** The app header. */
export function AppHeader() {
  const trackingUri = useAppStore((state) => state.appInfo?.trackingUri ?? null);
  const appInfoLoaded = useAppStore((state) => state.appInfo !== null);
  const routeName = useRoute().name;
  const section =
    routeName === 'models' || routeName === 'model-version' || routeName === 'model-compare'
      ? 'models'
      : routeName === 'deployments' || routeName === 'pipelines' || routeName === 'data' || routeName === 'automations'
        ? routeName
        : 'experiments';
  return (
    <header className="app-header">
      <a className="app-brand" href={routeHref({ name: 'experiments' })} data-testid="app-home">
        <span className="app-logo" aria-hidden>
          ▲
        </span>
        Cairn
      </a>
      <nav className="app-nav" aria-label="Sections">
        <a
          href={routeHref({ name: 'experiments' })}
          className={section === 'experiments' ? 'is-current' : undefined}
          aria-current={section === 'experiments' ? 'page' : undefined}
          data-testid="nav-experiments"
        >
          Experiments
        </a>
        <a
          href={routeHref({ name: 'models', modelName: null })}
          className={section === 'models' ? 'is-current' : undefined}
          aria-current={section === 'models' ? 'page' : undefined}
          data-testid="nav-models"
        >
          Models
        </a>
        <a
          href={routeHref({ name: 'pipelines', projectDir: null })}
          className={section === 'pipelines' ? 'is-current' : undefined}
          aria-current={section === 'pipelines' ? 'page' : undefined}
          data-testid="nav-pipelines"
        >
          Pipelines
        </a>
        <a
          href={routeHref({ name: 'data', datasetName: null, versionId: null })}
          className={section === 'data' ? 'is-current' : undefined}
          aria-current={section === 'data' ? 'page' : undefined}
          data-testid="nav-data"
        >
          Data
        </a>
        <a
          href={routeHref({ name: 'deployments', deploymentName: null })}
          className={section === 'deployments' ? 'is-current' : undefined}
          aria-current={section === 'deployments' ? 'page' : undefined}
          data-testid="nav-deployments"
        >
          Deployments
        </a>
        <a
          href={routeHref({ name: 'automations', firingId: null })}
          className={section === 'automations' ? 'is-current' : undefined}
          aria-current={section === 'automations' ? 'page' : undefined}
          data-testid="nav-automations"
        >
          Automations
        </a>
      </nav>
      <div className="app-header-spacer" />
      {appInfoLoaded && (
        <div className="tracking-address" data-testid="tracking-address">
          {trackingUri ? (
            <>
              <span className="tracking-label">MLFLOW_TRACKING_URI</span>
              <code className="tracking-uri" data-testid="tracking-uri">
                {trackingUri}
              </code>
              <CopyButton text={trackingExportLine(trackingUri)} label="Copy export" testId="copy-tracking-uri" className="ghost" />
            </>
          ) : (
            <span className="muted" title="Clients cannot log to this Cairn: its MLflow tracking API is not running.">
              Tracking API off
            </span>
          )}
        </div>
      )}
      <ThemeToggle />
    </header>
  );
}
