// Hash routes: #/ experiments, #/experiments/:id runs table, #/runs/:runId run page,
// #/compare?runs=a,b,c compare view, #/models registered models, #/models/:name one model's page
// (#/models/:name/versions/:v with a version open, #/models/:name/compare/:a/:b two versions side
// by side), #/deployments every deployment (#/deployments/:name one), #/pipelines the pipeline
// projects (#/pipelines?project=/abs/path with one open), #/data the datasets (#/data/:name one
// dataset, #/data/:name?version=<id> with that version's profile shown), #/automations continuous
// training (#/automations?firing=12 with one firing of the audit trail open).
// Parsing and writing them; renderer/router.ts keeps the address bar and the store in step.

/** Where the app is. */
export type Route =
  | { readonly name: 'experiments' }
  | { readonly name: 'runs'; readonly experimentId: string }
  | { readonly name: 'run'; readonly runId: string }
  | { readonly name: 'compare'; readonly runIds: readonly string[] }
  /** The model registry; `modelName` is the registered model whose page is shown, if any. */
  | { readonly name: 'models'; readonly modelName: string | null }
  /** The Pipelines page; `projectDir` is the open project's folder, if any. */
  | { readonly name: 'pipelines'; readonly projectDir: string | null }
  /** A registered model's page with one version open. */
  | { readonly name: 'model-version'; readonly modelName: string; readonly version: string }
  /** Two versions of a registered model side by side. */
  | { readonly name: 'model-compare'; readonly modelName: string; readonly a: string; readonly b: string }
  /** Every deployment, or one (`deploymentName`). */
  | { readonly name: 'deployments'; readonly deploymentName: string | null }
  /** The Data page: every dataset, or one (`datasetName`) with a version's profile shown (`versionId`; default the newest). */
  | { readonly name: 'data'; readonly datasetName: string | null; readonly versionId: string | null }
  /** The Automations page; `firingId` is the firing of the audit trail shown open, if any. */
  | { readonly name: 'automations'; readonly firingId: number | null }
  | { readonly name: 'not-found'; readonly path: string };

function decodeSegment(segment: string): string | null {
  try {
    const decoded = decodeURIComponent(segment);
    return decoded.length > 0 && !decoded.includes('/') ? decoded : null;
  } catch {
    return null;
  }
}

/** A registered model's name from its segment: unlike ids, names may contain "/" (written %2F). */
function decodeName(segment: string): string | null {
  try {
    const decoded = decodeURIComponent(segment);
    return decoded.length > 0 ? decoded : null;
  } catch {
    return null;
  }
}

/** Parses a location hash ("#/experiments/3") into a route. */
export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = text.split('?', 2) as [string, string?];
  const segments = path.split('/').filter((segment) => segment.length > 0);
  if (segments.length === 0) return { name: 'experiments' };
  const [head, id, ...rest] = segments;
  const value = id === undefined ? null : decodeSegment(id);
  if (rest.length === 0 && value !== null && head === 'experiments') return { name: 'runs', experimentId: value };
  if (rest.length === 0 && value !== null && head === 'runs') return { name: 'run', runId: value };
  if (head === 'models' && segments.length === 1) return { name: 'models', modelName: null };
  if (head === 'models' && segments.length >= 2 && id !== undefined) {
    const modelName = decodeName(id);
    const [kind, first, second] = rest;
    const isVersion = (text: string | undefined): text is string => text !== undefined && /^[1-9][0-9]*$/.test(text);
    if (modelName !== null && rest.length === 0) return { name: 'models', modelName };
    if (modelName !== null && rest.length === 2 && kind === 'versions' && isVersion(first)) return { name: 'model-version', modelName, version: first };
    if (modelName !== null && rest.length === 3 && kind === 'compare' && isVersion(first) && isVersion(second)) {
      return { name: 'model-compare', modelName, a: first, b: second };
    }
  }
  if (segments.length === 1 && head === 'pipelines') {
    const project = new URLSearchParams(query).get('project');
    return { name: 'pipelines', projectDir: project ? project : null };
  }
  if (segments.length === 1 && head === 'automations') {
    const firing = new URLSearchParams(query).get('firing');
    return { name: 'automations', firingId: firing && /^[1-9][0-9]*$/.test(firing) ? Number(firing) : null };
  }
  if (head === 'deployments' && segments.length === 1) return { name: 'deployments', deploymentName: null };
  if (head === 'deployments' && rest.length === 0 && value !== null) return { name: 'deployments', deploymentName: value };
  if (head === 'data' && segments.length === 1) return { name: 'data', datasetName: null, versionId: null };
  if (head === 'data' && segments.length === 2 && id !== undefined) {
    const datasetName = decodeName(id);
    const version = new URLSearchParams(query).get('version');
    if (datasetName !== null) return { name: 'data', datasetName, versionId: version ? version : null };
  }
  if (segments.length === 1 && head === 'compare') {
    const runs = new URLSearchParams(query).get('runs') ?? '';
    return { name: 'compare', runIds: [...new Set(runs.split(',').filter((runId) => runId.length > 0))] };
  }
  return { name: 'not-found', path: text };
}

/** The hash of a route, for links (`<a href={routeHref(...)}>`). */
export function routeHref(route: Route): string {
  switch (route.name) {
    case 'experiments':
      return '#/';
    case 'runs':
      return `#/experiments/${encodeURIComponent(route.experimentId)}`;
    case 'run':
      return `#/runs/${encodeURIComponent(route.runId)}`;
    case 'compare':
      return `#/compare?runs=${route.runIds.map(encodeURIComponent).join(',')}`;
    case 'models':
      return route.modelName === null ? '#/models' : `#/models/${encodeURIComponent(route.modelName)}`;
    case 'pipelines':
      return route.projectDir === null ? '#/pipelines' : `#/pipelines?${new URLSearchParams({ project: route.projectDir }).toString()}`;
    case 'model-version':
      return `#/models/${encodeURIComponent(route.modelName)}/versions/${route.version}`;
    case 'model-compare':
      return `#/models/${encodeURIComponent(route.modelName)}/compare/${route.a}/${route.b}`;
    case 'deployments':
      return route.deploymentName === null ? '#/deployments' : `#/deployments/${encodeURIComponent(route.deploymentName)}`;
    case 'data':
      if (route.datasetName === null) return '#/data';
      return `#/data/${encodeURIComponent(route.datasetName)}${route.versionId === null ? '' : `?${new URLSearchParams({ version: route.versionId }).toString()}`}`;
    case 'automations':
      return route.firingId === null ? '#/automations' : `#/automations?firing=${route.firingId}`;
    case 'not-found':
      return `#${route.path}`;
  }
}
