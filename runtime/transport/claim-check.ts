/**
 * Claim checks for bodies larger than the server takes in one message (`max_payload`, 1 MB by
 * default; an EDI file or the JSON read from it reaches several MB). The body goes into a
 * JetStream Object Store bucket and the message carries only a reference in headers, with an
 * empty body. Readers resolve the reference before handling the message; dead letters and
 * replays keep it, so the body travels once.
 *
 * Objects are named by the SHA-256 of their content: a retried file, a redelivered message or
 * a replay finds its object already there instead of storing another copy.
 */
import { createHash } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Objm, type ObjectStore } from '@nats-io/obj';

export const CLAIM_CHECK = {
  /** `<bucket>/<object name>` */
  ref: 'Crossdock-Claim-Check',
  size: 'Crossdock-Claim-Check-Size',
  sha256: 'Crossdock-Claim-Check-Sha256',
} as const;

export const CLAIM_CHECK_HEADER_NAMES: readonly string[] = Object.values(CLAIM_CHECK);

export const DEFAULT_PAYLOAD_BUCKET = 'crossdock-payloads';

/** The server default, used until the connection has told us its own. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/**
 * Headers the client adds at publish time (Nats-Msg-Id, Nats-Expected-*) and the protocol
 * framing are not in the header record we measure; this leaves room for them.
 */
const FRAMING_MARGIN = 1024;

/** A body this far under the limit fits whatever its headers (dead-letter reasons are cut at 2,000). */
const HEADER_ALLOWANCE = 64 * 1024;

export interface ClaimReference {
  readonly bucket: string;
  readonly object: string;
  /** Body length in bytes, when the header gives it. */
  readonly size: number | undefined;
  readonly sha256: string | undefined;
}

/** A claim check that cannot be resolved: `permanent` when the object is gone or corrupt, not when the store is unreachable. */
export class ClaimCheckError extends Error {
  readonly permanent: boolean;
  constructor(message: string, permanent: boolean) {
    super(message);
    this.name = 'ClaimCheckError';
    this.permanent = permanent;
  }
}

/** The reference a message carries, if any. */
export function claimReference(headers: Readonly<Record<string, string>>): ClaimReference | undefined {
  const ref = headers[CLAIM_CHECK.ref];
  if (!ref) return undefined;
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash === ref.length - 1) throw new ClaimCheckError(`malformed ${CLAIM_CHECK.ref} header '${ref}' (want <bucket>/<object>)`, true);
  const size = headers[CLAIM_CHECK.size];
  return { bucket: ref.slice(0, slash), object: ref.slice(slash + 1), size: size === undefined ? undefined : Number(size), sha256: headers[CLAIM_CHECK.sha256] };
}

/** Headers without any claim check: an output computed from a claim-checked input has a body of its own. */
export function withoutClaimCheck(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in headers) if (!CLAIM_CHECK_HEADER_NAMES.includes(k)) out[k] = headers[k] as string;
  return out;
}

/**
 * JetStreamClient's type does not expose its connection, but the client every Crossdock driver
 * makes with `jetstream(nc)` has one; without it the server default limit is assumed.
 */
function connectionOf(js: JetStreamClient): NatsConnection | undefined {
  const get = (js as Partial<{ getConnection(): NatsConnection }>).getConnection;
  return typeof get === 'function' ? get.call(js) : undefined;
}

function headerBytes(headers: Readonly<Record<string, string>>): number {
  let n = 12; // "NATS/1.0\r\n" and the closing "\r\n"
  for (const k in headers) n += Buffer.byteLength(k) + Buffer.byteLength(headers[k] as string) + 4;
  return n;
}

export interface ClaimCheckOptions {
  readonly bucket?: string;
  /** The largest message the server takes, headers included; by default the connection's `max_payload`. */
  readonly maxPayload?: () => number;
}

/** One per JetStream client: opens (or creates) buckets once and reuses them. */
export class ClaimCheck {
  readonly bucket: string;
  private readonly objm: Objm;
  private readonly maxPayload: () => number;
  private readonly stores = new Map<string, Promise<ObjectStore>>();

  constructor(js: JetStreamClient, opts: ClaimCheckOptions = {}) {
    this.bucket = opts.bucket ?? DEFAULT_PAYLOAD_BUCKET;
    this.objm = new Objm(js);
    const nc = connectionOf(js);
    // Read at each publish: after a reconnect the server (and its limit) may be another.
    this.maxPayload = opts.maxPayload ?? (() => nc?.info?.max_payload ?? DEFAULT_MAX_PAYLOAD);
  }

  /** True when headers and body fit in one message with room for the publish-time headers. */
  fits(headers: Readonly<Record<string, string>>, data: Uint8Array, msgId = ''): boolean {
    const limit = this.maxPayload() - FRAMING_MARGIN;
    if (data.length + HEADER_ALLOWANCE <= limit) return true;
    return data.length + headerBytes(headers) + Buffer.byteLength(msgId) + 20 <= limit;
  }

  /**
   * What to publish for this body: the message itself when it fits, otherwise an empty body
   * with a reference to the stored object. Any claim-check headers inherited from an input are
   * dropped first, since they describe the input's body, not this one.
   */
  async outbound(headers: Readonly<Record<string, string>>, data: Uint8Array, msgId = ''): Promise<{ headers: Record<string, string>; data: Uint8Array }> {
    const own = withoutClaimCheck(headers);
    if (this.fits(own, data, msgId)) return { headers: own, data };
    const ref = await this.store(data);
    return { headers: { ...own, ...ref }, data: new Uint8Array(0) };
  }

  /** Stores the body (once per content) and gives the headers that refer to it. */
  async store(data: Uint8Array): Promise<Record<string, string>> {
    const sha256 = createHash('sha256').update(data).digest('hex');
    const os = await this.open(this.bucket, true);
    const existing = await os.info(sha256);
    if (!existing || existing.deleted || existing.size !== data.length) {
      await os.putBlob({ name: sha256, description: 'Crossdock claim-checked message body' }, data);
    }
    return { [CLAIM_CHECK.ref]: `${this.bucket}/${sha256}`, [CLAIM_CHECK.size]: String(data.length), [CLAIM_CHECK.sha256]: sha256 };
  }

  /** The full body: `data` itself when the message carries no claim check. */
  resolve(headers: Readonly<Record<string, string>>, data: Uint8Array): Uint8Array | Promise<Uint8Array> {
    let ref: ClaimReference | undefined;
    try {
      ref = claimReference(headers);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return ref ? this.fetch(ref) : data;
  }

  /** The stored body, checked against the reference's size and SHA-256. */
  async fetch(ref: ClaimReference): Promise<Uint8Array> {
    let body: Uint8Array | null;
    try {
      const os = await this.open(ref.bucket, false);
      body = await os.getBlob(ref.object);
    } catch (err) {
      if (err instanceof ClaimCheckError) throw err;
      const message = (err as Error).message;
      throw new ClaimCheckError(`claim check ${ref.bucket}/${ref.object}: ${message}`, /digests do not match/.test(message));
    }
    if (!body) throw new ClaimCheckError(`claim check ${ref.bucket}/${ref.object}: no such object (deleted, or the bucket's limits removed it)`, true);
    if (ref.size !== undefined && body.length !== ref.size) throw new ClaimCheckError(`claim check ${ref.bucket}/${ref.object}: ${body.length} bytes stored, ${ref.size} expected`, true);
    if (ref.sha256 && createHash('sha256').update(body).digest('hex') !== ref.sha256) throw new ClaimCheckError(`claim check ${ref.bucket}/${ref.object}: content does not match its SHA-256`, true);
    return body;
  }

  /** Whether the referenced object is still stored, and its size (for `dlq show`). */
  async stat(ref: ClaimReference): Promise<{ size: number } | undefined> {
    const os = await this.open(ref.bucket, false).catch((err: unknown) => {
      if (err instanceof ClaimCheckError) return undefined;
      throw err;
    });
    const info = await os?.info(ref.object);
    return info && !info.deleted ? { size: info.size } : undefined;
  }

  /** Writers create the bucket on first use; readers only open it (a missing bucket means a missing object). */
  private open(bucket: string, create: boolean): Promise<ObjectStore> {
    const key = `${create ? '+' : ''}${bucket}`;
    let os = this.stores.get(key);
    if (!os) {
      os = create
        ? this.objm.create(bucket, { description: 'Message bodies too large for one NATS message (claim checks)' })
        : this.objm.open(bucket).catch((err: unknown) => {
            const message = (err as Error).message;
            throw /not found/.test(message) ? new ClaimCheckError(`claim check bucket '${bucket}' does not exist`, true) : err;
          });
      // A failed open (server briefly away) is tried again next time, not remembered.
      os.catch(() => this.stores.delete(key));
      this.stores.set(key, os);
    }
    return os;
  }
}

const checks = new WeakMap<JetStreamClient, ClaimCheck>();

/**
 * The body of a message read from JetStream, with its claim check (if any) resolved: `data`
 * itself, synchronously, for an ordinary message. Rejects with a ClaimCheckError.
 */
export function resolveClaimCheck(js: JetStreamClient, headers: Readonly<Record<string, string>>, data: Uint8Array): Uint8Array | Promise<Uint8Array> {
  if (!(CLAIM_CHECK.ref in headers)) return data;
  let cc = checks.get(js);
  if (!cc) checks.set(js, (cc = new ClaimCheck(js)));
  return cc.resolve(headers, data);
}
