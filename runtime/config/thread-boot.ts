/**
 * The source a worker thread is started from (`new Worker(text, { eval: true })`): workers do
 * not inherit the parent's TypeScript loader, so this registers tsx, then loads the entry. With
 * `nice`, the thread lowers its own scheduling priority first (Linux: pid 0 is the calling
 * thread), so that its work yields the cores to the runner's event loop and nats-server.
 */
export function threadBoot(entryUrl: string, tsxApiUrl: string, options: { nice?: number } = {}): string {
  const nice = options.nice === undefined ? '' : `try { require('node:os').setPriority(0, ${Math.trunc(options.nice)}); } catch {}\n`;
  return nice + `import(${JSON.stringify(tsxApiUrl)}).then((m) => { m.register(); return import(${JSON.stringify(entryUrl)}); })`;
}
