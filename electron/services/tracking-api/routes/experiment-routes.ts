// MLflow's experiment routes: create, get, get-by-name, search, update (rename), delete,
// restore, set-experiment-tag and delete-experiment-tag, with MLflow's defaults, limits and errors.
import { CairnError } from '../../../../shared/errors';
import type { Tag } from '../../../../shared/models';
import { validateExperimentName, validateExperimentTag } from '../mlflow-entity-validation';
import { experimentJson } from '../mlflow-entity-json';
import { optionalString, requiredString, stringList, type MlflowArgs } from '../mlflow-request-args';
import { pagedJsonText, type MlflowRoute } from '../mlflow-route';
import { invalidParameter, maxResultsArg, objectList, viewTypeArg } from '../tracking-request-args';
import type { TrackingContext } from '../tracking-context';

/** MLflow's default and largest page of experiments. */
const EXPERIMENT_SEARCH_LIMITS = { fallback: 1000, max: 50_000 } as const;

function experimentTags(args: MlflowArgs): Tag[] {
  return objectList(args, 'tags').map((tag, index) => validateExperimentTag(tag.key, tag.value, `tags[${index}].`));
}

function artifactLocation(args: MlflowArgs): string | undefined {
  const location = optionalString(args, 'artifact_location') || undefined;
  if (location === undefined) return undefined;
  if (location.startsWith('runs:')) {
    throw new CairnError('INVALID_PARAMETER_VALUE', `Artifact location cannot be a runs:/ URI. Given: '${location}'`);
  }
  if (location.includes('#')) {
    throw new CairnError('INVALID_PARAMETER_VALUE', "'artifact_location' URL can't include fragments or params.");
  }
  return location;
}

/** The experiment routes over the context's tracker store. */
export function experimentRoutes(context: TrackingContext): MlflowRoute[] {
  const { store } = context;
  const search: MlflowRoute['handle'] = async ({ args }) => {
    const page = await store.searchExperiments({
      filter: optionalString(args, 'filter') ?? '',
      orderBy: stringList(args, 'order_by'),
      maxResults: maxResultsArg(args, EXPERIMENT_SEARCH_LIMITS),
      pageToken: optionalString(args, 'page_token') || undefined,
      viewType: viewTypeArg(args, 'view_type'),
    });
    return pagedJsonText(
      'experiments',
      page.items.map((experiment) => JSON.stringify(experimentJson(experiment))),
      page.nextPageToken,
    );
  };
  return [
    {
      method: 'POST',
      path: 'experiments/create',
      async handle({ args }) {
        const name = validateExperimentName(requiredString(args, 'name'), 'name');
        const location = artifactLocation(args);
        const tags = experimentTags(args);
        const experiment = await store.createExperiment({ name, artifactLocation: location, tags });
        return { experiment_id: experiment.experimentId };
      },
    },
    {
      method: 'GET',
      path: 'experiments/get',
      async handle({ args }) {
        return { experiment: experimentJson(await store.getExperiment(requiredString(args, 'experiment_id'))) };
      },
    },
    {
      method: 'GET',
      path: 'experiments/get-by-name',
      async handle({ args }) {
        const name = requiredString(args, 'experiment_name');
        const experiment = await store.getExperimentByName(name);
        if (!experiment) throw new CairnError('RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name '${name}'`);
        return { experiment: experimentJson(experiment) };
      },
    },
    { method: 'POST', path: 'experiments/search', handle: search },
    { method: 'GET', path: 'experiments/search', handle: search },
    {
      method: 'POST',
      path: 'experiments/update',
      async handle({ args }) {
        const experimentId = requiredString(args, 'experiment_id');
        const newName = validateExperimentName(requiredString(args, 'new_name'), 'new_name');
        await store.renameExperiment(experimentId, newName);
        return {};
      },
    },
    {
      method: 'POST',
      path: 'experiments/delete',
      async handle({ args }) {
        await store.deleteExperiment(requiredString(args, 'experiment_id'));
        return {};
      },
    },
    {
      method: 'POST',
      path: 'experiments/restore',
      async handle({ args }) {
        await store.restoreExperiment(requiredString(args, 'experiment_id'));
        return {};
      },
    },
    {
      method: 'POST',
      path: 'experiments/set-experiment-tag',
      async handle({ args }) {
        const experimentId = requiredString(args, 'experiment_id');
        const key = requiredString(args, 'key');
        const value = args.value ?? '';
        if (typeof value !== 'string') throw invalidParameter('value', value, 'Values are strings.');
        await store.setExperimentTag(experimentId, validateExperimentTag(key, value, ''));
        return {};
      },
    },
    {
      method: 'POST',
      path: 'experiments/delete-experiment-tag',
      async handle({ args }) {
        await store.deleteExperimentTag(requiredString(args, 'experiment_id'), requiredString(args, 'key'));
        return {};
      },
    },
  ];
}
