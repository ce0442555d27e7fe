// The run's note: markdown shown safely, edited in place with a preview, saved as the
// mlflow.note.content tag (where MLflow's own UI keeps it).
import { lazy, Suspense, useState } from 'react';
import { NOTE_TAG } from '../../../shared/mlflow-tags';
import type { Run } from '../../../shared/models';
import { useAppStore } from '../../use-app-store';

/** The markdown renderer, loaded with the first note shown: most pages never need its parser. */
const MarkdownView = lazy(() => import('../../components/markdown/markdown-view').then((module) => ({ default: module.MarkdownView })));

/** A note rendered as markdown; an empty box of the same kind while the renderer loads. */
function NoteMarkdown({ text, testId }: { text: string; testId: string }) {
  return (
    <Suspense fallback={<div className="markdown" data-testid={testId} aria-busy="true" />}>
      <MarkdownView text={text} testId={testId} />
    </Suspense>
  );
}

/** Views and edits a run's note. */
export function RunNote({ run }: { run: Run }) {
  const note = run.tags.find((tag) => tag.key === NOTE_TAG)?.value ?? '';
  const noteStatus = useAppStore((s) => s.runPage.noteStatus);
  const noteError = useAppStore((s) => s.runPage.noteError);
  const saveRunNote = useAppStore((s) => s.saveRunNote);
  const [draft, setDraft] = useState<string | null>(null);
  const [preview, setPreview] = useState(false);
  const editable = run.info.lifecycleStage === 'active';

  if (draft === null) {
    return (
      <div className="run-note">
        {note ? (
          <NoteMarkdown text={note} testId="run-note" />
        ) : (
          <p className="empty-state" data-testid="run-note">
            No note yet. Write down what this run tried and what you learned; markdown works.
          </p>
        )}
        {editable && (
          <button type="button" data-testid="run-note-edit" onClick={() => setDraft(note)}>
            {note ? 'Edit note' : 'Add a note'}
          </button>
        )}
      </div>
    );
  }

  const save = async () => {
    await saveRunNote(draft);
    if (useAppStore.getState().runPage.noteStatus === 'saved') {
      setDraft(null);
      setPreview(false);
    }
  };
  return (
    <div className="run-note is-editing">
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={!preview} onClick={() => setPreview(false)}>
          Write
        </button>
        <button type="button" role="tab" aria-selected={preview} data-testid="run-note-preview" onClick={() => setPreview(true)}>
          Preview
        </button>
      </div>
      {preview ? (
        <NoteMarkdown text={draft} testId="run-note-preview-body" />
      ) : (
        <textarea
          data-testid="run-note-editor"
          value={draft}
          rows={10}
          placeholder="## What changed&#10;- lr 3e-4 → 1e-3&#10;&#10;**Result:** …"
          onChange={(event) => setDraft(event.target.value)}
        />
      )}
      {noteStatus === 'error' && (
        <p className="error-state" role="alert">
          The note was not saved: {noteError}
        </p>
      )}
      <div className="actions">
        <button type="button" className="primary" data-testid="run-note-save" disabled={noteStatus === 'saving'} onClick={() => void save()}>
          {noteStatus === 'saving' ? 'Saving…' : 'Save note'}
        </button>
        <button type="button" onClick={() => setDraft(null)}>
          Cancel
        </button>
      </div>
    </div>
  );
}
