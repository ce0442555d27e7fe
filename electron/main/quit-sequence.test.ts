// The quit listener holds Electron's quit until the services have closed, and closes them once.
import { describe, expect, it } from 'vitest';
import { createQuitListener } from './quit-sequence';

function quitEvent() {
  const event = { prevented: 0, preventDefault: () => void event.prevented++ };
  return event;
}

describe('createQuitListener', () => {
  it('holds the quit until close() has settled, then exits with 0, closing once however often quit is asked', async () => {
    const steps: string[] = [];
    let finishClose!: () => void;
    const onQuit = createQuitListener(
      () =>
        new Promise<void>((resolve) => {
          steps.push('close started');
          finishClose = () => {
            steps.push('closed');
            resolve();
          };
        }),
      (code) => steps.push(`exit ${code}`),
    );
    const first = quitEvent();
    const second = quitEvent();
    onQuit(first);
    onQuit(second);
    expect(first.prevented).toBe(1);
    expect(second.prevented).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(steps).toEqual(['close started']);
    finishClose();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(steps).toEqual(['close started', 'closed', 'exit 0']);
  });

  it('still exits, with 1, when closing fails', async () => {
    const codes: number[] = [];
    const onQuit = createQuitListener(async () => {
      throw new Error('disk gone');
    }, (code) => codes.push(code));
    onQuit(quitEvent());
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(codes).toEqual([1]);
  });
});
