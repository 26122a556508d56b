/** A client that hangs up in the middle of its request body, as raw TCP. */
import { connect } from 'node:net';

/** Sends headers announcing 1,000 bytes, then 10 bytes, then destroys the socket. */
export function abortMidBody(port: number, path: string, headers: Record<string, string> = {}): void {
  const socket = connect(port, '127.0.0.1', () => {
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.write(`POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n${extra}\r\n{"a":"1234`);
    setTimeout(() => socket.destroy(), 50);
  });
  socket.on('error', () => undefined);
}
