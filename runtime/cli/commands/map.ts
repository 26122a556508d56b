import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandSpec, ParsedArgs } from '../command.ts';
import { CommandError, UsageError, commonOptions, flag, str } from '../command.ts';
import { displayPath, layoutFor } from '../../compile/resources.ts';
import { watchFiles } from '../watch-files.ts';
import { SchemaCatalog } from '../../compile/schemas.ts';
import { evaluateMapping, type PlaygroundInput } from '../../review/playground.ts';

export const mapCommand: CommandSpec = {
  name: 'map',
  summary: 'Mapping playground: evaluate a mapping on a JSON file',
  usage: 'crossdock map MAPPING INPUT.json [--watch] [--schema FILE] [--subject S] [-H NAME:VALUE…]',
  details: [
    'MAPPING is a .jsonata file under mappings/ (as a pipeline names it) or a path. Prints the result',
    'as JSON. Mistakes are placed at file:line:col: inside the .jsonata file for the mapping, inside',
    'the JSON file for the input. --schema checks the result against a schema under schemas/, as a',
    'validate step after the map step would. --watch runs again whenever the mapping, the input or',
    'the schema is saved, until Ctrl-C. Exit 1 when the mapping fails (without --watch).',
  ].join('\n'),
  options: {
    watch: { type: 'boolean', short: 'w', description: 'Run again on every save' },
    schema: { type: 'string', value: 'FILE', description: 'Validate the result against this schema (under schemas/)' },
    subject: { type: 'string', value: 'S', description: 'Value of $subject' },
    header: { type: 'string', short: 'H', multiple: true, value: 'NAME:VALUE', description: 'A header in $headers (repeatable)' },
    engine: { type: 'string', value: 'ENGINE', description: 'compiled (with fallback) or reference' },
    pipelines: commonOptions.pipelines,
  },
  positionals: { min: 2, max: 2 },
  async run(args) {
    const [mappingArg, inputArg] = args.positionals as [string, string];
    const layout = layoutFor(resolve(str(args, 'pipelines') as string));
    const mappingAbs = findMapping(mappingArg, layout.mappingsDir);
    const inputAbs = resolve(inputArg);
    if (!existsSync(inputAbs)) throw new CommandError(`input file not found: ${inputArg}`);
    const schemaFile = str(args, 'schema');
    const engine = str(args, 'engine');
    if (engine !== undefined && engine !== 'compiled' && engine !== 'reference') throw new UsageError(`--engine must be compiled or reference, not '${engine}'`);
    const once = async (): Promise<boolean> => {
      const input: PlaygroundInput = {
        mappingFile: displayPath(mappingAbs),
        mappingText: readFileSync(mappingAbs, 'utf8'),
        inputFile: displayPath(inputAbs),
        inputText: readFileSync(inputAbs, 'utf8'),
        headers: headers(args),
        ...(str(args, 'subject') === undefined ? {} : { subject: str(args, 'subject') as string }),
        ...(engine === undefined ? {} : { engine }),
        ...(schemaFile === undefined ? {} : { schema: loadSchema(layout.schemasDir, schemaFile) }),
      };
      const result = await evaluateMapping(input);
      if ('value' in result && result.value !== undefined) process.stdout.write(JSON.stringify(result.value, null, 2) + '\n');
      if (!result.ok) process.stderr.write(result.error + '\n');
      return result.ok;
    };
    if (!flag(args, 'watch')) return (await once()) ? 0 : 1;
    return watchFiles([mappingAbs, inputAbs, ...(schemaFile ? [join(layout.schemasDir, schemaFile)] : [])], once);
  },
};

/** A path as typed, else a mapping under mappings/ the way a pipeline's `map:` names it. */
function findMapping(arg: string, mappingsDir: string): string {
  const asPath = resolve(arg);
  if (existsSync(asPath)) return asPath;
  const underMappings = join(mappingsDir, arg);
  if (existsSync(underMappings)) return underMappings;
  throw new CommandError(`mapping not found: ${arg} (looked at ${arg} and ${displayPath(underMappings)})`);
}

function loadSchema(schemasDir: string, file: string): NonNullable<PlaygroundInput['schema']> {
  const got = new SchemaCatalog(schemasDir).get(file);
  if ('validate' in got) return got;
  throw new CommandError(`${displayPath(join(schemasDir, got.file))}:${got.position.line}:${got.position.col}: ${got.message}`);
}

function headers(args: ParsedArgs): Record<string, string> {
  const raw = args.values.header;
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  const out: Record<string, string> = {};
  for (const h of list) {
    const i = h.indexOf(':');
    if (i <= 0) throw new UsageError(`a header is NAME:VALUE, got '${h}'`);
    out[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  return out;
}

