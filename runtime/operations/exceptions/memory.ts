/**
 * Work items in memory: the CLI folds the streams into this for one command, and the unit
 * tests drive the fold through it. Lists scan; the runner's LMDB store has indexes instead.
 */
import type { ParkedAction, Tables } from './fold.ts';
import { matches, type ExceptionFilter, type WorkItem } from './model.ts';
import { addResolution, openKey, type OpenCount, type ResolutionStats } from './totals.ts';

export class MemoryTables implements Tables {
  readonly items = new Map<number, WorkItem>();
  private readonly parked = new Map<number, ParkedAction[]>();
  readonly resolution = new Map<string, ResolutionStats>();
  private readonly open = new Map<string, OpenCount>();
  exceptionsSeq = 0;
  workbenchSeq = 0;

  get(id: number): WorkItem | undefined {
    return this.items.get(id);
  }

  put(after: WorkItem, before: WorkItem | undefined): void {
    this.items.set(after.id, after);
    this.count(openKey(before), -1);
    this.count(openKey(after), 1);
  }

  private count(key: ReturnType<typeof openKey>, d: number): void {
    if (!key) return;
    const k = key.join('\u0000');
    const c = this.open.get(k);
    this.open.set(k, { state: key[0], type: key[1], partner: key[2], count: (c?.count ?? 0) + d });
  }

  park(id: number, action: ParkedAction): void {
    const list = this.parked.get(id) ?? [];
    list.push(action);
    this.parked.set(id, list);
  }

  unpark(id: number): { id: number; action: ParkedAction }[] {
    const out: { id: number; action: ParkedAction }[] = [];
    for (const k of [...this.parked.keys()].sort((a, b) => a - b)) {
      if (k > id) break;
      for (const action of this.parked.get(k) ?? []) out.push({ id: k, action });
      this.parked.delete(k);
    }
    return out;
  }

  resolved(type: string, seconds: number): void {
    this.resolution.set(type, addResolution(this.resolution.get(type), seconds));
  }

  openCounts(): OpenCount[] {
    return [...this.open.values()].filter((o) => o.count > 0);
  }

  /** Newest first, ids below `before` when given. */
  list(filter: ExceptionFilter, limit: number, before?: number): WorkItem[] {
    const out: WorkItem[] = [];
    const ids = [...this.items.keys()].sort((a, b) => b - a);
    for (const id of ids) {
      if (before !== undefined && id >= before) continue;
      const item = this.items.get(id) as WorkItem;
      if (!matches(item, filter)) continue;
      out.push(item);
      if (out.length >= limit) break;
    }
    return out;
  }
}
