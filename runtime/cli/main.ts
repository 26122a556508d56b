/**
 * `crossdock`: dispatches to a command. User mistakes print one clear message and exit
 * non-zero; stack traces are kept for bugs.
 */
import { CommandError, UsageError, helpText, parse, type CommandSpec } from './command.ts';
import { redactText } from '../config/redact.ts';
import { runCommand } from './commands/run.ts';
import { lintCommand } from './commands/lint.ts';
import { testCommand } from './commands/test.ts';
import { publishCommand } from './commands/publish.ts';
import { tailCommand } from './commands/tail.ts';
import { dlqCommand } from './commands/dlq.ts';
import { schemaCommand } from './commands/schema.ts';
import { docsCommand } from './commands/docs.ts';
import { demoCommand } from './commands/demo.ts';
import { atpCommand } from './commands/atp.ts';
import { traceCommand } from './commands/trace.ts';
import { planCommand } from './commands/plan.ts';
import { graphCommand } from './commands/graph.ts';
import { mapCommand } from './commands/map.ts';
import { auditCommand } from './commands/audit.ts';
import { expectationsCommand } from './commands/expectations.ts';
import { kpiCommand } from './commands/kpi.ts';
import { exceptionsCommand } from './commands/exceptions.ts';

// `docs` documents every command, itself included, so it is given the list rather than importing it.
export const commands: readonly CommandSpec[] = [runCommand, lintCommand, testCommand, publishCommand, tailCommand, dlqCommand, schemaCommand, docsCommand(() => commands), demoCommand, atpCommand, traceCommand, planCommand, graphCommand, mapCommand, auditCommand, expectationsCommand, exceptionsCommand, kpiCommand];

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'crossdock — declarative integration pipelines over NATS JetStream',
    '',
    'Usage: crossdock <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Run `crossdock <command> --help` for the options of a command.',
  ].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    process.stdout.write('crossdock 0.1.0\n');
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`crossdock: unknown command '${name}'\n\n${usage()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(helpText(command) + '\n');
    return 0;
  }
  try {
    return await command.run(parse(command, rest));
  } catch (err) {
    // Messages can quote a URL or a failure from a service; they are redacted like log lines.
    if (err instanceof UsageError) {
      process.stderr.write(`crossdock ${command.name}: ${redactText(err.message)}\nRun \`crossdock ${command.name} --help\` for usage.\n`);
      return command.usageExitCode ?? 2;
    }
    if (err instanceof CommandError) {
      process.stderr.write(`crossdock ${command.name}: ${redactText(err.message)}\n`);
      return err.exitCode;
    }
    // A bug: the stack is printed (redacted) rather than left to Node's unredacted report.
    process.stderr.write(`crossdock ${command.name}: ${redactText(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`);
    return 1;
  }
}
