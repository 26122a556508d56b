/**
 * Long-lived services a step may use at run time (the compiled pipeline stays pure; a step
 * that needs a service asks for it in `start`). The runner provides them; fixture tests
 * provide offline stand-ins.
 */
import type { Availability } from '../availability/api.ts';

export interface RuntimeServices {
  /** The availability (ATP) service, when the runner runs it. */
  readonly availability?: Availability;
  /** Outbound HTTP (real in the runner, stubbed in fixture tests). */
  readonly http?: HttpClient;
}

export interface HttpRequest {
  /** The step's name, so fixture tests can stub each call. */
  readonly name: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | undefined;
  readonly timeoutMs: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

export interface HttpClient {
  /** Rejects only when no response arrived (network error, timeout). */
  request(req: HttpRequest): Promise<HttpResponse>;
}
