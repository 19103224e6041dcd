import { ErrorCode, RtcError } from '../errors.js';
import { LEGACY_ERRORS, isRecord, type SessionInfo } from '../../protocol/index.js';
import type { SignalingClient } from '../signaling/socket-client.js';
import type { RoomCore } from './core.js';
import { joinTimeout, participationRequest } from './handshake.js';
import { defaultReconnectPolicy, nextDelay } from './reconnect-policy.js';
import { serverError } from './requests.js';
import { openSignaling } from './server-events.js';
import { RoomState } from './types.js';

/** After a room was rebuilt, how long a still-connected peer has to be announced again. */
const CONFIRM_MS = 8000;

/** Failures that trying again cannot fix. */
const PERMANENT: string[] = [
  ErrorCode.ROOM_FULL,
  ErrorCode.INVALID_PASSWORD,
  ErrorCode.UNAUTHORIZED,
  ErrorCode.JOIN_REJECTED,
];

/**
 * The signaling connection dropped while joined. Peer connections keep flowing; the room
 * reconnects on the policy's schedule (each URL of `socketUrl` in turn) and resumes its place
 * with the server's secret, or, when the server no longer knows it (restarted, grace period
 * over), rebuilds the room.
 */
export class Reconnection {
  readonly #room: RoomCore;
  /** The secret from the server's last `session` event: it resumes our place after a drop. */
  #resumeToken = '';
  #lastSession: SessionInfo | undefined;
  /** Which of `socketUrl`'s URLs (separated by spaces) to connect to. */
  #urlIndex = 0;
  /** A draining server's hint: how long to wait before reconnecting elsewhere. */
  #retryAfter = 0;
  /** Who the server announced since a rebuild, while still-connected peers await confirmation. */
  #heard: Set<string> | undefined;
  /** Who the server announced while we rejoined. */
  #announced: Set<string> | undefined;

  constructor(room: RoomCore) {
    this.#room = room;
  }

  /** The URL to connect to now, and the secret that resumes our place (when `resume`). */
  nextConnection(resume: boolean): { url: string; resumeToken: string } {
    const { socketUrl } = this.#room;
    const urls = socketUrl.split(/\s+/).filter(Boolean);
    this.#lastSession = undefined;
    return {
      url: urls[this.#urlIndex % urls.length] ?? socketUrl,
      resumeToken: resume ? this.#resumeToken : '',
    };
  }

  /** The server's `session` event: whether it kept our place, and the next secret. */
  session(info: SessionInfo): void {
    if (!isRecord(info) || typeof info.resumeToken !== 'string') return;
    this.#resumeToken = info.resumeToken;
    this.#lastSession = info;
  }

  /** The node is shutting down: the connection closes next; go to another URL first. */
  elsewhere(info: unknown): void {
    this.#urlIndex++;
    this.#retryAfter =
      isRecord(info) && typeof info.retryAfterMs === 'number' ? info.retryAfterMs : 0;
  }

  /** The server announced a member (`user-connected`). */
  announced(userId: string): void {
    this.#announced?.add(userId);
    this.#heard?.add(userId);
  }

  /** A member asked us to connect: it is back in a rebuilt room. */
  heard(userId: string): void {
    this.#heard?.add(userId);
  }

  /** The connection was lost (`reason` as socket.io gives it). */
  lost(reason: string): void {
    const room = this.#room;
    if (room.state !== RoomState.JOINED || room.reconnecting) return;
    // A server that sends us away on purpose is not to be called back.
    if (room.options.reconnect !== false && reason !== 'io server disconnect') {
      void this.#reconnect(reason);
      return;
    }
    room.emit(
      'error',
      new RtcError(ErrorCode.SIGNALING_LOST, `Signaling connection lost (${reason})`),
    );
    room.end();
  }

  /**
   * The device went offline or online. Offline, the connection is given up at once (its network
   * is gone; waiting for heartbeats takes most of a minute); online, the next try is now.
   */
  networkChanged(online: boolean): void {
    const room = this.#room;
    if (online) room.reconnecting?.wake();
    else if (
      room.state === RoomState.JOINED &&
      !room.reconnecting &&
      room.options.reconnect !== false
    )
      void this.#reconnect('offline');
  }

  async #reconnect(reason: string): Promise<void> {
    const room = this.#room;
    const attemptId = room.attempt;
    const since = Date.now();
    let wake = () => undefined as void;
    room.reconnecting = { since, wake: () => wake() };
    room.dropSocket(true);
    room.emit('reconnecting', { reason });
    const policy =
      room.options.reconnectPolicy ??
      defaultReconnectPolicy(room.options.reconnectTimeoutMs ?? 300_000);
    const left = () => attemptId !== room.attempt || !room.reconnecting;
    let delay = nextDelay(policy, { attempt: 1, elapsedMs: 0, retryAfterMs: this.#retryAfter });
    this.#retryAfter = 0;
    for (let attempt = 1; ; attempt++) {
      if (delay === null) {
        room.emit('error', new RtcError(ErrorCode.SIGNALING_LOST, 'Signaling connection lost'));
        room.end();
        return;
      }
      const wait = delay;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (left()) return;
      const signaling = openSignaling(room, true, this);
      try {
        await signaling.connect();
        // The server says first whether it kept our place (servers without it: rebuild).
        const session = await this.#sessionOf(signaling);
        const resumed = !!session?.resumed && session.roomId === room.roomId;
        if (!resumed) await this.#rejoin(signaling);
        if (left()) return;
        room.reconnecting = undefined;
        room.mesh?.recover(room.userId);
        room.emit('reconnected', { resumed, attempts: attempt, downtimeMs: Date.now() - since });
        return;
      } catch (error) {
        if (left()) return;
        room.dropSocket();
        this.#urlIndex++;
        const permanent = error instanceof RtcError && PERMANENT.includes(error.code);
        delay = permanent
          ? null
          : nextDelay(policy, {
              attempt: attempt + 1,
              elapsedMs: Date.now() - since,
              retryAfterMs: 0,
              lastError: error,
            });
        if (delay === null) {
          room.emit('error', RtcError.from(error, ErrorCode.SIGNALING_LOST));
          room.end();
          return;
        }
      }
    }
  }

  /** The `session` event of a new connection (it comes first; undefined from older servers). */
  #sessionOf(signaling: SignalingClient): Promise<SessionInfo | undefined> {
    if (this.#lastSession) return Promise.resolve(this.#lastSession);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 1000);
      const off = signaling.onServer('session', () => {
        clearTimeout(timer);
        off();
        resolve(this.#lastSession);
      });
    });
  }

  /**
   * Back in a server that no longer has our place: open the room again (or join it, if someone
   * rebuilt it first). Peers still connected stay as they are; members without a working
   * connection to us are asked to connect; people the server no longer knows and whose
   * connection is gone leave the roster.
   */
  async #rejoin(signaling: SignalingClient): Promise<void> {
    const room = this.#room;
    this.#announced = new Set();
    try {
      const [exists] = await signaling.request('check-presence', room.roomId);
      let opened = false;
      // A viewer waits for its broadcaster to open the broadcast again (retried with backoff).
      if (!exists && room.relayTree.parent !== undefined)
        throw new RtcError(ErrorCode.ROOM_NOT_FOUND, 'The broadcast is not back yet');
      if (!exists) {
        const [ok, error] = await signaling.request('open-room', room.roomRequest(true));
        if (!ok && error !== LEGACY_ERRORS.ROOM_NOT_AVAILABLE) throw serverError(error, 'open');
        opened = ok;
      }
      if (!opened) {
        const [ok, error] = await signaling.requestWithin(
          joinTimeout(room.options),
          'join-room',
          room.roomRequest(false),
        );
        if (!ok) throw serverError(error, 'join');
      }
      if (opened) room.roster.setOwner(room.userId, false);
      const members = this.#announced;
      const unconfirmed: string[] = [];
      for (const userId of room.participantIds()) {
        const working = room.mesh?.peers.get(userId)?.connectionState === 'connected';
        if (members.has(userId) && !working) room.relay(userId, participationRequest(room.session));
        else if (!members.has(userId) && !working) room.removeParticipant(userId);
        else if (!members.has(userId)) unconfirmed.push(userId);
      }
      // A peer still connected that the rebuilt room does not know may just not be back yet;
      // one the server has not announced within CONFIRM_MS is gone (its tab closed with the server).
      if (unconfirmed.length > 0) {
        const attempt = room.attempt;
        this.#heard = members;
        setTimeout(() => {
          if (this.#heard === members) this.#heard = undefined;
          if (attempt !== room.attempt || room.state !== RoomState.JOINED) return;
          for (const userId of unconfirmed)
            if (!members.has(userId)) room.removeParticipant(userId);
        }, CONFIRM_MS);
      }
    } finally {
      this.#announced = undefined;
    }
  }
}
