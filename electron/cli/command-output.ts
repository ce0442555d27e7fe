/** Where a command writes: process itself, or a capture in tests. `isTTY` and `columns` decide how progress is drawn. */
export interface CommandOutput {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
}
