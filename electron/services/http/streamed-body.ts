// Writing a long answer body piece by piece: each piece is made only when its turn of the event
// loop comes (event-loop-turns.ts) and only once the client has taken the previous ones (the socket
// drained), so the server never holds more than about one piece per answer, however slowly the
// client reads. A client that stops reading altogether is let go by the server's send timeout
// (http-server.ts); writing stops as soon as the connection closes.
import type { ServerResponse } from 'node:http';
import { nextTurn } from './event-loop-turns';

/** Resolves true once the response can take more, false if its connection closed first. */
function drainedOrClosed(response: ServerResponse): Promise<boolean> {
  if (response.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const settle = (open: boolean) => {
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(open);
    };
    const onDrain = () => settle(true);
    const onClose = () => settle(false);
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}

/**
 * Writes the pieces of a body (its head already written) and ends the response; one piece per turn
 * of the event loop, waiting while the client's socket is full. Stops, and lets the pieces' source
 * go, when the client goes away. What the source throws is rethrown, the answer left unfinished.
 */
export async function writeBodyPieces(response: ServerResponse, pieces: AsyncIterable<string | Uint8Array>): Promise<void> {
  const iterator = pieces[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      await nextTurn();
      if (response.destroyed) return;
      const piece = await iterator.next();
      if (piece.done) break;
      if (!response.write(piece.value) && !(await drainedOrClosed(response))) return;
    }
    finished = true;
    response.end();
  } finally {
    if (!finished) await iterator.return?.();
  }
}
