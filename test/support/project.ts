/**
 * Builds a throwaway Crossdock project in a temporary folder: the repository's own mappings and
 * schemas, and pipelines written by the test (often the shipped ones with tighter timings).
 */
import { cpSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** The shipped Shopify flow with timings a test can wait for (short ack wait and backoff). */
export function fastShopifyProject(): TempProject {
  const pipeline = repoFile('pipelines/orders/shopify-orders.yaml')
    .replace('durable: shopify-orders', 'durable: shopify-orders\n    ackWait: 5s')
    .replace('backoff: [1s, 10s, 1m]', 'backoff: [100ms, 200ms, 500ms]')
    .replace('maxDeliver: 5', 'maxDeliver: 50');
  return tempProject({ 'pipelines/shopify-orders.yaml': pipeline, 'pipelines/streams.yaml': repoFile('pipelines/streams.yaml') });
}
