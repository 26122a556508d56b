/**
 * The runner's services, offline, for fixture tests (`crossdock test`, lint, plan): `http`
 * steps are answered from the test's `http:` section, and the availability view is an
 * in-memory one (the same fold and figures as the runner's) holding only the inventory events
 * the test lists under `inventory:`. Each test starts from nothing.
 */
import type { Availability, LookupQuery, ReservationDecision, ReservationRequest, SkuAvailability } from '../availability/api.ts';
import type { AvailabilityPolicy } from '../availability/policy.ts';
import { MemoryAvailability } from '../availability/memory.ts';
import type { HttpClient, HttpRequest, HttpResponse, RuntimeServices } from '../components/services.ts';

export interface HttpStub {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

export interface InventorySeed {
  readonly subject: string;
  readonly body: unknown;
}

export interface OfflineTest {
  readonly http?: Readonly<Record<string, HttpStub>>;
  readonly inventory?: readonly InventorySeed[];
}

class StubHttp implements HttpClient {
  responses: Readonly<Record<string, HttpStub>> = {};
  async request(req: HttpRequest): Promise<HttpResponse> {
    const stub = this.responses[req.name];
    if (!stub) throw new Error(`no response given for http step '${req.name}' (add it under the test's http:)`);
    const body = stub.body === undefined ? '' : typeof stub.body === 'string' ? stub.body : JSON.stringify(stub.body);
    return { status: stub.status ?? 200, headers: stub.headers ?? {}, body: new TextEncoder().encode(body) };
  }
}

/** Steps keep the service they were started with; this one hands every call to the current test's view. */
class PerTestAvailability implements Availability {
  readonly name = 'availability' as const;
  current: MemoryAvailability;
  constructor(initial: MemoryAvailability) {
    this.current = initial;
  }
  get channels(): readonly string[] {
    return this.current.channels;
  }
  get seq(): number {
    return this.current.seq;
  }
  lookup(sku: string, query?: LookupQuery): SkuAvailability {
    return this.current.lookup(sku, query);
  }
  reserve(request: ReservationRequest): Promise<ReservationDecision> {
    return this.current.reserve(request);
  }
  reservation(id: string): ReservationDecision | undefined {
    return this.current.reservation(id);
  }
  waitForSeq(): Promise<void> {
    return Promise.resolve();
  }
}

export class OfflineServices {
  private readonly http = new StubHttp();
  private readonly availability: PerTestAvailability | undefined;
  private readonly policy: AvailabilityPolicy | undefined;
  private readonly clock: () => number;

  constructor(policy: AvailabilityPolicy | undefined, clock: () => number) {
    this.policy = policy;
    this.clock = clock;
    this.availability = policy ? new PerTestAvailability(new MemoryAvailability(policy, clock)) : undefined;
  }

  get services(): RuntimeServices {
    return { http: this.http, ...(this.availability ? { availability: this.availability } : {}) };
  }

  /** Prepares the services for one test; returns a problem with its inventory seed, if any. */
  forTest(test: OfflineTest): string | undefined {
    this.http.responses = test.http ?? {};
    if (!this.availability || !this.policy) return test.inventory?.length ? 'the test lists inventory but the project has no availability policy' : undefined;
    const view = new MemoryAvailability(this.policy, this.clock);
    for (const [i, e] of (test.inventory ?? []).entries()) {
      try {
        view.apply(e.subject, e.body);
      } catch (err) {
        return `inventory[${i}] (${e.subject}): ${(err as Error).message}`;
      }
    }
    this.availability.current = view;
    return undefined;
  }
}
