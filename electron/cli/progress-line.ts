import type { CommandOutput } from './command-output';

/** How often a progress line is redrawn on a terminal, and written when the output is a file or pipe. */
const TTY_REFRESH_MS = 100;
const PLAIN_REFRESH_MS = 5000;

/** A long command's progress on stderr: one line redrawn in place on a terminal, a line every few seconds otherwise. */
export class ProgressLine {
  private lastDraw: number;
  private drawn = false;

  /** `drawAtOnce`: the first update is drawn straight away rather than after a refresh interval. */
  constructor(
    private readonly stream: CommandOutput['stderr'],
    drawAtOnce = true,
  ) {
    this.lastDraw = drawAtOnce ? 0 : Date.now();
  }

  /** Shows `describe()` unless the line was drawn less than a refresh interval ago (then it is not even computed). */
  update(describe: () => string): void {
    const now = Date.now();
    if (now - this.lastDraw < (this.stream.isTTY ? TTY_REFRESH_MS : PLAIN_REFRESH_MS)) return;
    this.lastDraw = now;
    const line = describe();
    if (this.stream.isTTY) {
      const width = Math.max(20, (this.stream.columns ?? 80) - 1);
      this.stream.write(`\r\x1b[2K${line.slice(0, width)}`);
      this.drawn = true;
    } else {
      this.stream.write(`${line}\n`);
    }
  }

  /** Clears the line on a terminal so that what follows starts on a clean line. */
  finish(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
