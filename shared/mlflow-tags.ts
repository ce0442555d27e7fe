// MLflow's system tags: the tag names MLflow's clients, server and UI give a meaning to. Cairn
// reads and writes them under the same names, so runs logged by `mlflow` look the same in both.

/** The prefix of every MLflow system tag; tags without it are the user's own. */
export const MLFLOW_TAG_PREFIX = 'mlflow.';

/** A run's display name. */
export const RUN_NAME_TAG = 'mlflow.runName';
/** The parent of a nested run. */
export const PARENT_RUN_TAG = 'mlflow.parentRunId';
/** The user who started the run. */
export const USER_TAG = 'mlflow.user';
/** A run's (or an experiment's) markdown note, where MLflow's own UI keeps it. */
export const NOTE_TAG = 'mlflow.note.content';
/** The models an MLflow 2.x client logged to a run, as a JSON array. */
export const LOGGED_MODELS_TAG = 'mlflow.log-model.history';
/** The script or notebook the run came from. */
export const SOURCE_NAME_TAG = 'mlflow.source.name';
/** The git commit the run's source was at. */
export const GIT_COMMIT_TAG = 'mlflow.source.git.commit';
/** The git branch the run's source was on. */
export const GIT_BRANCH_TAG = 'mlflow.source.git.branch';
/** The git repository the run's source came from. */
export const GIT_REPO_TAG = 'mlflow.source.git.repoURL';
/** The dataset input tag saying how a run used the dataset ('training', 'eval', ...). */
export const DATASET_CONTEXT_TAG = 'mlflow.data.context';
/** The logged-model tag listing the registered versions made from the model (JSON). */
export const MODEL_VERSIONS_TAG = 'mlflow.modelVersions';
/** The registered-model tag that marks a prompt (MLflow's prompt registry lives in the model registry). */
export const PROMPT_TAG = 'mlflow.prompt.is_prompt';

/** Whether a tag is one of MLflow's system tags rather than the user's own. */
export function isMlflowSystemTag(key: string): boolean {
  return key.startsWith(MLFLOW_TAG_PREFIX);
}
