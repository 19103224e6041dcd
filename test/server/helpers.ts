/**
 * Helpers for the signaling server protocol tests: a real server on 127.0.0.1 and a free port,
 * socket.io clients that record every event they receive, and bounded waits (never bare sleeps).
 */
import type { Server as HttpServer } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import {
  DEFAULT_CUSTOM_EVENT,
  DEFAULT_MESSAGE_EVENT,
  type Extra,
  type PublicRoom,
} from '../../src/protocol/index.js';
import { startServer, type AppOptions, type RunningServer } from '../../server/index.js';

/** How long any positive condition may take before a test fails. */
export const TIMEOUT = 3000;

const closers: (() => Promise<void> | void)[] = [];

/** Closes every client and server opened since the last call (use in afterEach/after). */
export async function cleanup(): Promise<void> {
  const pending = closers.splice(0).reverse();
  for (const close of pending) await close();
}

/** Closes an HTTP server, including idle keep-alive connections, and waits for it. */
export function closeHttp(http: HttpServer): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!http.listening) {
      resolve();
      return;
    }
    http.close(() => resolve());
    http.closeAllConnections();
  });
}

/** The real server (app + signaling), silent, on 127.0.0.1 and a free port. Closed by cleanup(). */
export async function startTestServer(options: AppOptions = {}): Promise<RunningServer> {
  const server = await startServer({ port: 0, host: '127.0.0.1', logger: 'silent', ...options });
  closers.push(async () => {
    const closed = server.close();
    server.http.closeAllConnections();
    await closed;
  });
  return server;
}

/** Registers something to close at cleanup. */
export function onCleanup(close: () => Promise<void> | void): void {
  closers.push(close);
}

/** Rejects after `ms` with a message naming what was awaited. */
export function withTimeout<T>(promise: Promise<T>, what: string, ms = TIMEOUT): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves with the arguments of the next `event` on a bare socket. */
export function once(socket: Socket, event: string, ms = TIMEOUT): Promise<unknown[]> {
  return withTimeout(
    new Promise<unknown[]>((resolve) => socket.once(event, (...args: unknown[]) => resolve(args))),
    `"${event}"`,
    ms,
  );
}

export interface Received {
  event: string;
  args: unknown[];
}

export type Query = Record<string, string>;

export interface ClientOptions {
  query?: Query;
  /** Extra socket.io-client options (e.g. extraHeaders). */
  options?: Record<string, unknown>;
  /** Wait for `connect` (default true). */
  waitConnect?: boolean;
}

/** A socket.io client that records every event (and every ack) it receives. */
export class Client {
  readonly socket: Socket;
  /** Events received from the server, in arrival order. */
  readonly received: Received[] = [];
  /** Ack arguments received, in arrival order (for leak checks). */
  readonly acks: unknown[][] = [];
  readonly messageEvent: string;
  readonly customEvent: string;
  readonly #waiters = new Set<() => void>();

  constructor(url: string, query: Query = {}, options: Record<string, unknown> = {}) {
    this.messageEvent = query['msgEvent'] ?? DEFAULT_MESSAGE_EVENT;
    this.customEvent = query['socketCustomEvent'] ?? DEFAULT_CUSTOM_EVENT;
    this.socket = io(url, {
      query,
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      ...options,
    });
    this.socket.onAny((event: string, ...args: unknown[]) => {
      this.received.push({ event, args });
      for (const wake of this.#waiters) wake();
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** All received events named `event`. */
  all(event: string): unknown[][] {
    return this.received.filter((r) => r.event === event).map((r) => r.args);
  }

  count(event: string): number {
    return this.all(event).length;
  }

  /** Resolves with the first received `event` (already received or future) matching `match`. */
  waitFor(
    event: string,
    match: (...args: unknown[]) => boolean = () => true,
    ms = TIMEOUT,
  ): Promise<unknown[]> {
    const find = () => this.received.find((r) => r.event === event && match(...r.args))?.args;
    const found = find();
    if (found) return Promise.resolve(found);
    let wake: (() => void) | undefined;
    return withTimeout(
      new Promise<unknown[]>((resolve) => {
        wake = () => {
          const args = find();
          if (args) resolve(args);
        };
        this.#waiters.add(wake);
      }),
      `"${event}" on ${this.socket.id ?? 'a client'}`,
      ms,
    ).finally(() => {
      if (wake) this.#waiters.delete(wake);
    });
  }

  /** Resolves with the first relay envelope whose message matches. */
  async waitForRelay(
    match: (envelope: Envelope) => boolean = () => true,
    ms = TIMEOUT,
  ): Promise<Envelope> {
    const [envelope] = await this.waitFor(this.messageEvent, (e) => match(e as Envelope), ms);
    return envelope as Envelope;
  }

  /** Relay envelopes received so far. */
  relays(): Envelope[] {
    return this.all(this.messageEvent).map(([e]) => e as Envelope);
  }

  /** Emits with an ack and resolves with the ack's arguments (bounded). */
  request(event: string, ...args: unknown[]): Promise<unknown[]> {
    return withTimeout(
      new Promise<unknown[]>((resolve) => {
        this.socket.emit(event, ...args, (...reply: unknown[]) => {
          this.acks.push(reply);
          resolve(reply);
        });
      }),
      `the ack of "${event}"`,
    );
  }

  emit(event: string, ...args: unknown[]): void {
    this.socket.emit(event, ...args);
  }

  openRoom(sessionid: string, payload: Record<string, unknown> = {}): Promise<unknown[]> {
    return this.request('open-room', { sessionid, ...payload });
  }

  joinRoom(sessionid: string, payload: Record<string, unknown> = {}): Promise<unknown[]> {
    return this.request('join-room', { sessionid, ...payload });
  }

  checkPresence(roomid: unknown): Promise<unknown[]> {
    return this.request('check-presence', roomid);
  }

  /** Sends a relay envelope on this socket's relay event. */
  relay(remoteUserId: unknown, message: unknown, extra: Record<string, unknown> = {}): void {
    this.socket.emit(this.messageEvent, { remoteUserId, sender: 'ignored', message, ...extra });
  }

  /**
   * Resolves once the server has handled everything this socket sent before (the server runs one
   * socket's handlers in order) and this socket has received everything the server sent it before
   * answering (one socket's packets arrive in order).
   */
  async barrier(): Promise<void> {
    await this.request('check-presence', 'barrier-probe');
  }

  /**
   * Sends a raw socket.io packet (e.g. `2["event",...]`, an EVENT) in an engine.io message,
   * bypassing the client's encoder.
   */
  sendRaw(packet: string): void {
    this.socket.io.engine.send(packet);
  }

  close(): void {
    this.socket.disconnect();
  }
}

export interface Envelope {
  remoteUserId: string;
  sender: string;
  message: unknown;
  extra?: Extra;
}

/** Connects a recording client (closed by cleanup()). Waits for `connect` unless told not to. */
export async function connect(
  target: string | { url: string },
  { query = {}, options = {}, waitConnect = true }: ClientOptions = {},
): Promise<Client> {
  const url = typeof target === 'string' ? target : target.url;
  const client = new Client(url, query, options);
  closers.push(() => client.close());
  if (waitConnect && !client.connected) {
    const connected = new Promise<void>((resolve, reject) => {
      client.socket.once('connect', () => resolve());
      client.socket.once('connect_error', (error) => reject(error));
    });
    await withTimeout(connected, 'connect');
  }
  return client;
}

/** Connects a client with a user id (and an optional extra and other query fields). */
export function user(
  server: { url: string },
  userid: string,
  extra?: Extra,
  query: Query = {},
): Promise<Client> {
  return connect(server, {
    query: { userid, ...(extra ? { extra: JSON.stringify(extra) } : {}), ...query },
  });
}

/**
 * Opens `roomid` with `owner` and joins every other client to it, in order. Resolves once every
 * member has seen every other one (so later negative checks start from a settled room).
 */
export async function room(
  roomid: string,
  owner: Client,
  members: Client[],
  openPayload: Record<string, unknown> = {},
): Promise<void> {
  assertAck(await owner.openRoom(roomid, openPayload), [true], `open-room ${roomid}`);
  for (const member of members)
    assertAck(await member.joinRoom(roomid), [true], `join-room ${roomid}`);
}

function assertAck(actual: unknown[], expected: unknown[], what: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

let counter = 0;
/** A unique id for this process (rooms and users). */
export function uid(prefix = 'id'): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}`;
}

/**
 * Proves the server still serves normal traffic: a fresh pair of clients opens and joins a room
 * and relays a message both ways.
 */
export async function assertLive(server: { url: string }): Promise<void> {
  const a = await user(server, uid('live-a'), { live: 'a' });
  const b = await user(server, uid('live-b'), { live: 'b' });
  const roomid = uid('live-room');
  await room(roomid, a, [b]);
  const aId = String((a.socket.io.opts.query as Query)['userid']);
  const bId = String((b.socket.io.opts.query as Query)['userid']);
  a.relay(bId, { ping: 1 });
  const toB = await b.waitForRelay((e) => isPing(e.message, 'ping'));
  if (toB.sender !== aId) throw new Error(`liveness: wrong sender ${toB.sender}`);
  b.relay(aId, { pong: 1 });
  const toA = await a.waitForRelay((e) => isPing(e.message, 'pong'));
  if (toA.sender !== bId) throw new Error(`liveness: wrong sender ${toA.sender}`);
  a.close();
  b.close();
}

function isPing(message: unknown, key: string): boolean {
  return typeof message === 'object' && message !== null && key in message;
}

/**
 * Re-asks `probe` until `done` accepts its answer (bounded). For positive conditions the server
 * reaches on its own time (e.g. after a disconnect), never to prove that something did not happen.
 */
export async function waitUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  ms = TIMEOUT,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    // Let I/O in between: a probe answered from memory would otherwise spin on microtasks.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The `get-public-rooms(identifier)` entry of `roomid` as `client` sees it (undefined if absent). */
export async function publicRoom(
  client: Client,
  identifier: string,
  roomid: string,
): Promise<PublicRoom | undefined> {
  const [rooms] = await client.request('get-public-rooms', identifier);
  if (!Array.isArray(rooms)) throw new Error(`get-public-rooms: ${JSON.stringify(rooms)}`);
  return (rooms as PublicRoom[]).find((r) => r.sessionid === roomid);
}

/**
 * Resolves once the server has seen the socket of `userId` disconnect (its own disconnect
 * listeners, registered earlier, have run). Call before closing the client.
 */
export function serverSawDisconnect(server: RunningServer, userId: string): Promise<void> {
  const socket = [...server.io.of('/').sockets.values()].find((s) => s.data.userId === userId);
  if (!socket) throw new Error(`no server-side socket for ${userId}`);
  return withTimeout(
    new Promise<void>((resolve) => socket.once('disconnect', () => resolve())),
    `the server to see ${userId} disconnect`,
  );
}

/** Counts acks by their JSON text, e.g. `{'[true]': 5, '[false,"Room full"]': 25}`. */
export function tally(acks: unknown[][]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const ack of acks) {
    const key = JSON.stringify(ack);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
