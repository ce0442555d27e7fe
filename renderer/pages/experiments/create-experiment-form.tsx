// Creating an experiment: a button that opens a name field; errors (a taken name) show inline.
import { useState, type FormEvent } from 'react';
import { navigate } from '../../router';
import { useAppStore } from '../../use-app-store';
import { describeError } from '../../stores/describe-error';

/** The "New experiment" button and its inline form. */
export function CreateExperimentForm() {
  const createExperiment = useAppStore((state) => state.createExperiment);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (!open) {
    return (
      <button type="button" className="primary" data-testid="new-experiment" onClick={() => setOpen(true)}>
        + New experiment
      </button>
    );
  }
  // Handles its own errors (shown inline), so the form's submit handler need not wait for it.
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setError('Give the experiment a name.');
      return;
    }
    setBusy(true);
    try {
      const experiment = await createExperiment(name.trim());
      navigate({ name: 'runs', experimentId: experiment.experimentId });
    } catch (caught) {
      setError(describeError(caught));
      setBusy(false);
    }
  };
  return (
    <form className="create-experiment" onSubmit={(event) => void submit(event)} data-testid="create-experiment-form">
      <div className="create-experiment-row">
        <input
          type="text"
          autoFocus
          aria-label="Experiment name"
          placeholder="Experiment name"
          data-testid="new-experiment-name"
          value={name}
          maxLength={500}
          onChange={(event) => {
            setName(event.target.value);
            setError(null);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Escape') setOpen(false);
          }}
          aria-invalid={error !== null}
          aria-describedby={error ? 'create-experiment-error' : undefined}
        />
        <button type="submit" className="primary" disabled={busy} data-testid="create-experiment">
          Create
        </button>
        <button type="button" className="ghost" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      {error && (
        <p className="field-error" id="create-experiment-error" role="alert" data-testid="create-experiment-error">
          {error}
        </p>
      )}
    </form>
  );
}
