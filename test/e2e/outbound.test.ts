/**
 * The running system opens no connection beyond this machine that nobody configured: starting
 * the gateway and subgraphs and answering queries reaches loopback addresses only. (@apollo/gateway
 * would otherwise probe cloud metadata addresses and report usage to Apollo.)
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { fetch } from 'undici';
import { startDemo } from '../support/demo';

test('starting and querying the system connects to loopback addresses only', async () => {
  // Each socket's peer is read as it is tried ('connectionAttempt', also for an address that never
  // answers, such as a cloud metadata probe), or when it connects; a closed socket no longer tells it.
  const targets: string[] = [];
  const record = (message: unknown) => {
    const socket = (message as { socket: Socket }).socket;
    if (socket.remoteAddress) return void targets.push(socket.remoteAddress);
    let tried = false;
    socket.on('connectionAttempt', (ip: string) => {
      tried = true;
      targets.push(ip);
    });
    socket.once('connect', () => tried || targets.push(socket.remoteAddress ?? 'unknown'));
  };
  subscribe('net.client.socket', record);
  const app = await startDemo();
  try {
    const res = await fetch(`http://127.0.0.1:${app.gateway.port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ organizations { name programs { title } } }' }),
    });
    expect(res.status).toBe(200);
    // Cloud detectors fire within a few hundred milliseconds of start; give them the chance.
    await new Promise((r) => setTimeout(r, 1500));
  } finally {
    unsubscribe('net.client.socket', record);
    await app.close();
  }
  expect(targets.length).toBeGreaterThan(0); // the gateway's own calls to the subgraphs
  expect(targets.filter((t) => !/^(127\.|::1$|::ffff:127\.|localhost$)/.test(t))).toEqual([]);
});
