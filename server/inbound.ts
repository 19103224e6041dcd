import type { Socket } from 'socket.io';
import { INVALID_PAYLOAD, LIMITS, ROOM_ERRORS, isValidEventName } from '../src/protocol/index.js';
import { checkJson } from '../src/protocol/json-check.js';
import type { AckFn, SignalingSocket } from './types.js';
import type { HubContext } from './context.js';
import { BusyError } from './fair-queue.js';
import { CUSTOM, HANDLERS, INVALID, RELAY, type Handler } from './handlers/table.js';
import { PacketBudget } from './rate-limit.js';
import { SocketQueue } from './socket-queue.js';
import { Undo } from './undo.js';

/** The JSON size one packet may carry (the transport refuses larger ones before this). */
const PACKET_BYTES = LIMITS.maxHttpBufferSize;
/** Custom event names a socket may add with `set-custom-socket-event-listener`. */
const MAX_ADDED_EVENTS = 8;

/**
 * Everything a socket sends, in one place: every packet takes from the socket's budget (handled
 * event or not), must be plain JSON within the protocol's depth and size before any handler reads
 * it, and then goes to its handler through the socket's queue (one at a time, in arrival order,
 * bounded). A handler that throws has what it changed undone, then answers with its event's own
 * failure ack. Packets that are not ours (a library user's own listeners, from the socket hook)
 * are passed on.
 */
export class Inbound {
  readonly #ctx: HubContext;
  readonly #socket: SignalingSocket;
  readonly #accepted: Promise<boolean>;
  readonly #queue: SocketQueue;
  readonly #budget: PacketBudget;
  /** Custom event names of this socket (its handshake's and those it added). */
  readonly #custom = new Set<string>();
  #gone = false;

  /** `accepted` settles once the user id is registered; a refused socket's requests are ignored. */
  constructor(ctx: HubContext, socket: SignalingSocket, accepted: Promise<boolean>) {
    this.#ctx = ctx;
    this.#socket = socket;
    this.#accepted = accepted;
    this.#queue = new SocketQueue(accepted, ctx.options.queueLimits);
    this.#budget = new PacketBudget(ctx.options.rateLimits);
    if (socket.data.customEvent) this.#custom.add(socket.data.customEvent);
  }

  /** A socket.io middleware for every packet of the socket. */
  packet(packet: unknown[], next: () => void): void {
    const [name, ...args] = packet;
    const event = typeof name === 'string' ? name : '';
    // The client's ack comes last, whatever came before it (a missing or extra argument).
    const ack = ackOf(typeof args.at(-1) === 'function' ? args.pop() : undefined);
    if (this.#gone) return;
    const verdict = this.#budget.take();
    if (verdict !== 'ok') return this.#refuse(event, ack, verdict);
    const check = checkJson(args, { maxDepth: LIMITS.jsonDepth + 1, maxBytes: PACKET_BYTES });
    if (event === 'set-custom-socket-event-listener') {
      // Taken as it arrives (not in the queue), so that the socket's next packet finds it.
      if (check.ok) this.#addCustomEvent(args[0]);
      return;
    }
    const handler = this.#handler(event);
    if (!check.ok) {
      this.#ctx.drop(this.#socket, event || 'packet', check.reason);
      ack(...(handler?.failure(INVALID_PAYLOAD) ?? INVALID));
      return;
    }
    if (!handler) return next();
    const pushed = this.#queue.push(check.bytes, () => this.#run(event, handler, ack, args));
    if (!pushed) this.#refuse(event, ack, 'queue');
  }

  /**
   * The socket is leaving: later packets are ignored, and `leave` runs in its queue, after what it
   * sent before (a join cannot complete after the leave). Never refused: a flooder that goes away
   * must still leave its room.
   */
  close(leave: () => Promise<void>): Promise<unknown> {
    this.#gone = true;
    return this.#queue.always(leave);
  }

  #handler(event: string): Handler | undefined {
    if (event === this.#socket.data.messageEvent) return RELAY;
    if (this.#custom.has(event)) return CUSTOM;
    return Object.hasOwn(HANDLERS, event) ? HANDLERS[event as keyof typeof HANDLERS] : undefined;
  }

  async #run(event: string, handler: Handler, ack: AckFn, args: unknown[]): Promise<void> {
    // After the socket left (disconnect or drain) its late requests are ignored.
    if (!(await this.#accepted) || this.#gone) return;
    const ctx = this.#ctx;
    const undo = new Undo();
    try {
      await handler.handle(ctx, this.#socket, { ack, undo, event }, ...args);
    } catch (error) {
      ctx.metrics.errors++;
      ctx.logger.error(`handler "${event}" failed`, {
        userId: this.#socket.data.userId,
        error: String(error),
      });
      await undo.run(ctx.logger);
      ack(...handler.failure(error instanceof BusyError ? ROOM_ERRORS.BUSY : INVALID_PAYLOAD));
    }
  }

  /**
   * v3's setCustomSocketEvent(name): one more room-scoped custom event for this socket (v3
   * rebroadcast it to every socket on the server). A valid, unreserved name other than the relay
   * event; at most 8.
   */
  #addCustomEvent(name: unknown): void {
    const data = this.#socket.data;
    const added = this.#custom.size - (data.customEvent ? 1 : 0);
    if (!isValidEventName(name) || name === data.messageEvent || added >= MAX_ADDED_EVENTS) {
      this.#ctx.drop(this.#socket, 'set-custom-socket-event-listener', 'invalid or too many names');
      return;
    }
    this.#custom.add(name);
  }

  /** Refuses a packet (over the rate, or the queue full); far over the rate, cuts the socket off. */
  #refuse(event: string, ack: AckFn, why: 'refused' | 'flood' | 'queue'): void {
    const ctx = this.#ctx;
    const userId = this.#socket.data.userId;
    ctx.metrics.rejections++;
    ack(false, ROOM_ERRORS.RATE_LIMITED);
    if (why === 'queue')
      ctx.logger.warn('request queue full', { userId, event: event.slice(0, 64) });
    else if (this.#budget.firstRefusal) ctx.logger.warn('rate limited', { userId });
    if (why === 'flood') {
      ctx.logger.warn('disconnected for flooding', { userId });
      (this.#socket as unknown as Socket).disconnect(true);
    }
  }
}

function ackOf(ack: unknown): AckFn {
  return typeof ack === 'function'
    ? (...args: unknown[]) => {
        try {
          (ack as AckFn)(...args);
        } catch {
          // A client-side ack that cannot be delivered is not our failure.
        }
      }
    : () => undefined;
}
