/**
 * Reservation requests waiting for their decision, by reservation id. The projection hands
 * each commit's decisions over as soon as the write transaction holding them is committed, and
 * the waiting `reserve` calls resume then: no timer, no polling, and no need for the publish
 * acknowledgement to have come back first (the stream delivers the request to the view about
 * when it acknowledges it to the publisher, and the decision is the same either way: the first
 * one recorded for the id).
 */
import type { ReservationDecision } from './api.ts';
import type { ReservationRecord } from './state.ts';
import { decisionOf } from './decisions.ts';

type Listener = (decision: ReservationDecision) => void;

export interface DecisionWait {
  readonly decided: Promise<ReservationDecision>;
  /** Stops waiting (the other path answered, or it failed); `decided` then never settles. */
  cancel(): void;
}

export class DecisionWaiters {
  private readonly byId = new Map<string, Set<Listener>>();

  get size(): number {
    return this.byId.size;
  }

  wait(id: string): DecisionWait {
    let listener: Listener | undefined;
    const decided = new Promise<ReservationDecision>((resolve) => {
      listener = resolve;
    });
    const l = listener as Listener;
    let set = this.byId.get(id);
    if (!set) this.byId.set(id, (set = new Set()));
    set.add(l);
    return {
      decided,
      cancel: () => {
        const s = this.byId.get(id);
        if (!s) return;
        s.delete(l);
        if (s.size === 0) this.byId.delete(id);
      },
    };
  }

  /** Called with a commit's decisions once that commit is durable in the view. */
  settle(decisions: readonly ReservationRecord[]): void {
    if (this.byId.size === 0) return;
    for (const record of decisions) {
      const set = this.byId.get(record.id);
      if (!set) continue;
      const decision = decisionOf(record);
      // A record with nothing to tell (closed before its request was seen) is read by the other path.
      if (!decision) continue;
      this.byId.delete(record.id);
      for (const l of set) l(decision);
    }
  }
}
