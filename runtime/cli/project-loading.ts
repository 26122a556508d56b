/** Loading the project for a command, and printing its diagnostics the same way everywhere. */
import { loadProject, type Project, type LoadOptions } from '../compile/project.ts';
import { formatDiagnostic } from '../config/diagnostics.ts';

/** Loads the project; prints every diagnostic to stderr. Returns undefined when there are errors. */
export function loadOrReport(pipelinesDir: string, options: LoadOptions = {}, out: NodeJS.WritableStream = process.stderr): Project | undefined {
  const project = loadProject(pipelinesDir, options);
  for (const d of project.diagnostics.sorted()) out.write(formatDiagnostic(d) + '\n');
  const errors = project.diagnostics.errorCount;
  if (errors > 0) {
    out.write(`${errors} error${errors === 1 ? '' : 's'}; nothing was started.\n`);
    return undefined;
  }
  return project;
}
