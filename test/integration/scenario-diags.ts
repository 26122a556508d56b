import { Diagnostics, formatDiagnostic } from '../../runtime/config/diagnostics.ts';

/** Diagnostics for a scenario script, as text when it fails to load. */
export class DiagnosticsForTests {
  readonly sink = new Diagnostics();
  text(): string {
    return this.sink.sorted().map(formatDiagnostic).join('\n');
  }
}
