/** Progress for long CLI operations (dlq replay, atp rebuild). */

/** A one-line progress bar on a terminal; nothing when output is a pipe. */
export class Progress {
  private n = 0;
  private readonly total: number;
  private readonly tty = process.stderr.isTTY === true;
  constructor(total: number) {
    this.total = total;
  }
  tick(): void {
    this.n++;
    if (!this.tty || this.total < 2) return;
    const width = 30;
    const filled = Math.round((this.n / this.total) * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.n}/${this.total}`);
  }
  done(): void {
    if (this.tty && this.total >= 2) process.stderr.write('\n');
  }
}
