// Quitting without losing a write: Electron's `will-quit` does not wait for promises, so the
// listener made here prevents the quit, closes the tracking server and the services (waiting for
// both), and only then exits. Plain Node, so it is tested without Electron.

/** The part of Electron's will-quit event the listener uses. */
export interface QuitEvent {
  preventDefault(): void;
}

/**
 * A `will-quit` listener: the first quit is held until `close()` settles, then `exit` is called
 * (with 0, or 1 when closing failed); quits asked for meanwhile are held too and close nothing twice.
 */
export function createQuitListener(close: () => Promise<void>, exit: (code: number) => void): (event: QuitEvent) => void {
  let closing: Promise<void> | null = null;
  return (event) => {
    event.preventDefault();
    if (closing) return;
    closing = close().then(
      () => exit(0),
      (error: unknown) => {
        console.error('cairn: closing the services failed', error);
        exit(1);
      },
    );
  };
}
