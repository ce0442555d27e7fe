// The scikit-learn example (examples/train_sklearn.py) trained with Debian's python3 against a
// Cairn: how the deploy specs get a model to register and deploy.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** The Python that trains the example (and that the local target's endpoints run). */
export const PYTHON = process.env.CAIRN_PYTHON ?? '/usr/bin/python3';
const EXAMPLE = path.join(__dirname, '..', 'examples', 'train_sklearn.py');

/** Runs the training example against the tracking server for 3 epochs; what it printed. */
export function trainExample(trackingUri: string, ...args: string[]): string {
  return execFileSync(PYTHON, [EXAMPLE, '--epochs', '3', ...args], {
    env: { ...process.env, MLFLOW_TRACKING_URI: trackingUri },
    encoding: 'utf8',
    timeout: 120_000,
  });
}
