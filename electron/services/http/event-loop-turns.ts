// Turns of the event loop for heavy work: a long answer (a 300,000-step metric history, 50,000
// runs) is read and written in pieces, and before each piece its writer waits for its turn. Turns
// are granted one per turn of the event loop, to the writers in the order they asked, so between
// two pieces Node serves everything else that arrived (the app's own calls above all): one long
// answer, or twenty at once, holds the thread for one piece at a time.

const waiting: Array<() => void> = [];
let granting = false;

function grantOne(): void {
  granting = false;
  const next = waiting.shift();
  // Scheduled from inside this callback, the next grant runs in the next turn of the loop, after
  // the I/O that arrived meanwhile has been served.
  if (waiting.length > 0) scheduleGrant();
  next?.();
}

function scheduleGrant(): void {
  if (granting) return;
  granting = true;
  setImmediate(grantOne);
}

/**
 * Resolves in a later turn of the event loop, after every caller that asked before has had its
 * turn. Await it before each piece of heavy work on the main thread.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    scheduleGrant();
  });
}
