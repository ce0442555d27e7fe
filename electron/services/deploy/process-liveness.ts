// Whether a process id still names a running process: how a record left by a process that died
// (a 'running' operation, an endpoint's state file) is told from one whose process is at work.

/** Whether a process with this id is running (and may be signalled by us, or exists under another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
