/** The runner's outbound HTTP client (fetch with a timeout); fixture tests replace it with stubs. */
import type { HttpClient, HttpRequest, HttpResponse } from '../components/services.ts';

export class FetchHttpClient implements HttpClient {
  async request(req: HttpRequest): Promise<HttpResponse> {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      ...(req.body ? { body: req.body } : {}),
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    return { status: res.status, headers, body: new Uint8Array(await res.arrayBuffer()) };
  }
}
