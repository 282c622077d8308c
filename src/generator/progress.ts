/**
 * Progress of a generator run: a redrawn line on a terminal (codes, codes/s, ETA), nothing else
 * until the one summary line at the end, which is all a log or a pipe gets.
 */
export class Progress {
  private done = 0;
  private skipped = 0;
  private readonly started = Date.now();
  private lastDraw = 0;

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream | null,
  ) {}

  /** `count` codes finished; `skipped` of them were already in the output and left alone. */
  add(count: number, skipped = 0): void {
    this.done += count;
    this.skipped += skipped;
    const now = Date.now();
    if (this.out?.isTTY && (now - this.lastDraw > 200 || this.done === this.total)) {
      this.lastDraw = now;
      this.out.write(`\r${this.line()}\x1b[K`);
    }
  }

  /** The summary: codes, skipped, seconds, rate. */
  finish(what: string): string {
    if (this.out?.isTTY) this.out.write('\r\x1b[K');
    const seconds = this.seconds();
    return `${what}: ${format(this.done)} codes (${format(this.skipped)} already there) in ${seconds.toFixed(1)} s, ${format(Math.round(this.rate()))} codes/s`;
  }

  get codes(): { done: number; skipped: number } {
    return { done: this.done, skipped: this.skipped };
  }

  seconds(): number {
    return (Date.now() - this.started) / 1000;
  }

  private rate(): number {
    return (this.done - this.skipped) / Math.max(0.001, this.seconds());
  }

  private line(): string {
    const width = 30;
    const share = this.total === 0 ? 1 : this.done / this.total;
    const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '.');
    const rate = this.rate();
    const eta = rate > 0 ? (this.total - this.done) / rate : 0;
    return `[${bar}] ${format(this.done)}/${format(this.total)} codes  ${format(Math.round(rate))} codes/s  ETA ${duration(eta)}`;
  }
}

function format(n: number): string {
  return n.toLocaleString('en-US');
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
