/**
 * Whether a connection is up right now, tracked from its status events, so an edge can answer
 * 503 at once while NATS is unreachable instead of holding the partner until a publish times out.
 */
import type { NatsConnection } from '@nats-io/transport-node';

export class ConnectionState {
  private static readonly states = new WeakMap<NatsConnection, ConnectionState>();
  private up = true;
  private readonly nc: NatsConnection;
  /** Since this process connected; read by the NATS metrics. */
  disconnects = 0;
  reconnects = 0;

  private constructor(nc: NatsConnection) {
    this.nc = nc;
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') {
          this.up = false;
          this.disconnects++;
        } else if (s.type === 'reconnect') {
          this.up = true;
          this.reconnects++;
        }
      }
    })().catch(() => undefined);
  }

  static of(nc: NatsConnection): ConnectionState {
    let s = ConnectionState.states.get(nc);
    if (!s) {
      s = new ConnectionState(nc);
      ConnectionState.states.set(nc, s);
    }
    return s;
  }

  get connected(): boolean {
    return this.up && !this.nc.isClosed();
  }
}
