// A modal dialog on the page's own <dialog> element: it keeps focus inside while open, Escape
// closes it, and the page behind cannot be clicked.
import { useEffect, useRef, type ReactNode } from 'react';

/** Props of {@link ModalDialog}. */
export interface ModalDialogProps {
  readonly title: string;
  readonly onClose: () => void;
  readonly children: ReactNode;
  /** The buttons at the bottom (the primary one last). */
  readonly actions: ReactNode;
  readonly testId?: string;
  /** Wider, for forms with several fields side by side. */
  readonly wide?: boolean;
}

/** Shows `children` in a modal dialog while mounted. */
export function ModalDialog({ title, onClose, children, actions, testId, wide = false }: ModalDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    const onCancel = (event: Event) => {
      event.preventDefault();
      close.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
    };
  }, []);
  return (
    <dialog ref={ref} className={`modal-dialog ${wide ? 'is-wide' : ''}`} aria-labelledby="modal-dialog-title" data-testid={testId}>
      <h2 id="modal-dialog-title">{title}</h2>
      <div className="modal-dialog-body">{children}</div>
      <div className="modal-dialog-actions">{actions}</div>
    </dialog>
  );
}
