// A button that copies a text and says "Copied" for a moment.
import { useEffect, useState } from 'react';
import { copyText } from './clipboard';
import { CheckIcon, CopyIcon } from './icons';

const FEEDBACK_MS = 1600;

/** Copies `text` when pressed; shows "Copied" (or "Copy failed") for a moment. */
export function CopyButton({ text, label = 'Copy', testId, className }: { text: string; label?: string; testId?: string; className?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <button
      type="button"
      className={`small copy-button ${state === 'copied' ? 'is-copied' : ''} ${className ?? ''}`}
      data-testid={testId}
      title={text}
      // copyText never rejects: it resolves to whether the copy worked.
      onClick={() => void copyText(text).then((copied) => setState(copied ? 'copied' : 'failed'))}
    >
      {state === 'copied' ? <CheckIcon /> : <CopyIcon />}
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}</span>
    </button>
  );
}
