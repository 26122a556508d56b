/**
 * Builds a throwaway Crossdock project in a temporary folder: the repository's own mappings and
 * schemas, and pipelines written by the test (often the shipped ones with tighter timings).
 */
import { cpSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { tempDir } from './nats.ts';

export const REPO = new URL('../..', import.meta.url).pathname;

export interface TempProject {
  readonly root: string;
  readonly pipelinesDir: string;
  write(relative: string, text: string): void;
}

export function tempProject(files: Record<string, string>, options: { copyMappings?: boolean; copySchemas?: boolean } = {}): TempProject {
  const root = tempDir('project');
  mkdirSync(join(root, 'pipelines'), { recursive: true });
  if (options.copyMappings !== false) cpSync(join(REPO, 'mappings'), join(root, 'mappings'), { recursive: true });
  else mkdirSync(join(root, 'mappings'));
  if (options.copySchemas !== false) cpSync(join(REPO, 'schemas'), join(root, 'schemas'), { recursive: true });
  else mkdirSync(join(root, 'schemas'));
  const write = (rel: string, text: string): void => {
    const abs = join(root, rel);
    mkdirSync(join(abs, '..'), { recursive: true });
    writeFileSync(abs, text);
  };
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  return { root, pipelinesDir: join(root, 'pipelines'), write };
}

export function repoFile(relative: string): string {
  return readFileSync(join(REPO, relative), 'utf8');
}

/**
 * Removes the steps of a parsed pipeline for which `drop` holds; `kinds` lists every step's
 * kind in order, for decisions that depend on a neighbour.
 */
export function dropSteps(doc: Document, drop: (kind: string, index: number, kinds: readonly string[]) => boolean): void {
  const steps = doc.get('steps') as YAMLSeq;
  const kinds = steps.items.map((item) => String(((item as YAMLMap).items[0]?.key as { value?: unknown } | undefined)?.value));
  steps.items = steps.items.filter((_, i) => !drop(kinds[i] as string, i, kinds));
}

/**
 * The shipped Shopify flow for the runner-core tests: timings a test can wait for (short ack
 * wait and backoff), and without its availability steps, which need the availability service
 * (covered by the availability and end-to-end suites).
 */
export function fastShopifyProject(): TempProject {
  const doc = parseDocument(repoFile('pipelines/orders/shopify-orders.yaml'));
  dropSteps(doc, (kind) => kind === 'atp' || kind === 'reserve' || kind === 'route');
  doc.deleteIn(['outputs', 'shortage']);
  doc.setIn(['input', 'jetstream', 'ackWait'], '5s');
  doc.setIn(['errors', 'backoff'], ['100ms', '200ms', '500ms']);
  doc.setIn(['errors', 'maxDeliver'], 50);
  return tempProject({ 'pipelines/shopify-orders.yaml': doc.toString(), 'pipelines/streams.yaml': repoFile('pipelines/streams.yaml') });
}
