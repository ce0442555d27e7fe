// Renderer entry point: styles, the router, and the app. The current route's page starts loading
// at once, and a runs table is opened beside it, before React renders (its first rows were asked
// for even earlier, by boot.ts, which loads this module).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { prepareDateFormatters } from './components/value-format';
import { preloadPage } from './pages';
import { startRouter } from './router';
import { useAppStore } from './use-app-store';
import './styles/index.css';

startRouter();
const route = useAppStore.getState().route;
preloadPage(route.name);
if (route.name === 'runs') void useAppStore.getState().openRunsTable(route.experimentId);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
// Once the first page is drawn and nothing else waits.
requestIdleCallback(prepareDateFormatters, { timeout: 3000 });
