// An error shown where the failed content would be: what went wrong, and a way on.
import type { ReactNode } from 'react';

/** Shows an error message with an optional retry button and other ways on (`children`). */
export function ErrorMessage({ title, message, onRetry, children }: { title: string; message: string; onRetry?: () => void; children?: ReactNode }) {
  return (
    <div className="error-state" role="alert" data-testid="error-message">
      <div className="error-body">
        <span className="error-title">{title}</span>
        <span>{message}</span>
      </div>
      {children}
      {onRetry && (
        <button type="button" className="small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
