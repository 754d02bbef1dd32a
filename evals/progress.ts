/** Where progress goes: stderr in the CLI, a buffer in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Progress {
  tick(): void;
  done(): void;
}

/**
 * A progress bar on a terminal (redrawn in place), plain lines otherwise (one per 10% and at the end), so
 * CI logs stay readable.
 */
export function createProgress(total: number, stream: ProgressStream, now: () => number = () => performance.now()): Progress {
  const started = now();
  let count = 0;
  let lastDecile = -1;
  let lastDraw = 0;
  const line = () => {
    const secs = (now() - started) / 1000;
    const rate = secs > 0 ? count / secs : 0;
    const eta = rate > 0 ? Math.round((total - count) / rate) : 0;
    const pct = total ? Math.floor((100 * count) / total) : 100;
    return `${count}/${total} ${pct}% ${rate.toFixed(1)} items/s${count < total ? ` eta ${eta}s` : ` in ${secs.toFixed(1)}s`}`;
  };
  return {
    tick() {
      count++;
      if (stream.isTTY) {
        const t = now();
        if (t - lastDraw < 50 && count < total) return;
        lastDraw = t;
        const width = 30;
        const filled = total ? Math.round((width * count) / total) : width;
        stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${line()}\u001b[K`);
        return;
      }
      const decile = total ? Math.floor((10 * count) / total) : 10;
      if (decile > lastDecile && (decile < 10 || count === total)) {
        lastDecile = decile;
        stream.write(`graded ${line()}\n`);
      }
    },
    done() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
