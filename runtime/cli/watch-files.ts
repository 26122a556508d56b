/**
 * `--watch`: run again whenever one of the files is saved, until Ctrl-C (SIGINT) or SIGTERM.
 */
import { statSync } from 'node:fs';
import { displayPath } from '../compile/resources.ts';

/** A file's modification time and size, as text ('' when it cannot be read: a save in progress). */
function stamp(file: string): string {
  try {
    const st = statSync(file);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return '';
  }
}

/**
 * Runs again on every save until Ctrl-C. Polling the files' modification times survives
 * editors that save by writing a new file and renaming it over the old one.
 */
export async function watchFiles(files: readonly string[], run: () => Promise<unknown>): Promise<number> {
  // A file caught half-saved (or a schema broken for a moment) is reported, and the watch goes on.
  const once = async (): Promise<void> => {
    try {
      await run();
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
    }
  };
  // Each file's state before the first run reads it: a save made at any moment after is a change.
  const seen = new Map(files.map((f) => [f, stamp(f)]));
  await once();
  let running = Promise.resolve();
  const rerun = (file: string): void => {
    running = running.then(async () => {
      process.stderr.write(`\n── ${new Date().toTimeString().slice(0, 8)} ${displayPath(file)} changed ──\n`);
      await once();
    });
  };
  // Polled here rather than with fs.watchFile, whose listener only hears of a change between two
  // of its own looks: a save made before its first look was never reported.
  const poll = (): void => {
    for (const f of files) {
      const now = stamp(f);
      if (now === seen.get(f)) continue;
      seen.set(f, now);
      rerun(f);
    }
  };
  poll();
  const timer = setInterval(poll, 200);
  process.stderr.write(`watching ${files.map(displayPath).join(', ')} — Ctrl-C to stop\n`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  clearInterval(timer);
  await running;
  return 0;
}
