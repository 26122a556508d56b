import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandSpec } from '../command.ts';
import { flag, str } from '../command.ts';
import { specSchemaFiles } from '../../compile/spec-schema-files.ts';

export const schemaCommand: CommandSpec = {
  name: 'schema',
  summary: "Print or write the JSON Schemas of Crossdock's own YAML files",
  usage: 'crossdock schema [--write] [--schemas DIR]',
  details: 'The pipeline schema is generated from the component registry. --write updates the files under\nschemas/crossdock/ (a test fails when they drift from the registry).',
  options: {
    write: { type: 'boolean', description: 'Write the files instead of printing the pipeline schema' },
    schemas: { type: 'string', value: 'DIR', description: 'Schemas folder', default: 'schemas' },
  },
  async run(args) {
    const files = specSchemaFiles();
    if (!flag(args, 'write')) {
      process.stdout.write(files['crossdock/pipeline.schema.json'] as string);
      return 0;
    }
    const root = str(args, 'schemas') as string;
    for (const [rel, text] of Object.entries(files)) {
      const abs = join(root, rel);
      mkdirSync(join(abs, '..'), { recursive: true });
      writeFileSync(abs, text);
      process.stdout.write(`wrote ${abs}\n`);
    }
    return 0;
  },
};
