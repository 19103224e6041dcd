import { ErrorCode, RtcError } from '../errors.js';
import { isOneWay, kindsToCapture } from '../media/session.js';
import { warmUpWebRtc } from '../peers/warm-up.js';
import { LEGACY_ERRORS } from '../../protocol/index.js';
import type { SignalingClient } from '../signaling/socket-client.js';
import { randomId } from '../util/id.js';
import type { RoomCore } from './core.js';
import { joinTimeout, participationRequest, validateRoom } from './handshake.js';
import { createMesh } from './mesh-events.js';
import type { Publishing } from './publishing.js';
import type { Reconnection } from './reconnection.js';
import { serverError } from './requests.js';
import { openSignaling } from './server-events.js';
import { RoomState, type JoinResult } from './types.js';

export type Mode = 'open' | 'join' | 'openOrJoin';
const MAX_USERID_RETRIES = 3;

/**
 * Entering the room: connect, open or join (or join first and open when there is nothing to
 * join), capture while that travels, take a fresh user id when ours is taken, wait for an
 * approve-joins room's owner. One entry at a time; leaving aborts it.
 */
export class Joining {
  readonly #room: RoomCore;
  readonly #publishing: Pick<Publishing, 'newPeer'>;
  readonly #reconnection: Reconnection;
  #entering: Promise<JoinResult> | undefined;

  constructor(room: RoomCore, publishing: Pick<Publishing, 'newPeer'>, reconnection: Reconnection) {
    this.#room = room;
    this.#publishing = publishing;
    this.#reconnection = reconnection;
  }

  /**
   * Connects without entering the room: the next entry uses this connection (`RoomCore.early`).
   */
  async connect(): Promise<void> {
    const room = this.#room;
    if (room.signaling?.connected) return;
    if (this.#entering) {
      await this.#entering.catch(() => undefined);
      return;
    }
    validateRoom(room.roomId, room.userId, room.options, room.extra);
    const signaling = room.early ?? openSignaling(room, false, this.#reconnection);
    room.early = signaling;
    try {
      await signaling.connect();
    } catch (error) {
      if (room.early === signaling) {
        room.early = undefined;
        room.dropSocket();
      }
      throw RtcError.from(error, ErrorCode.SIGNALING_UNREACHABLE);
    }
  }

  enter(mode: Mode): Promise<JoinResult> {
    const room = this.#room;
    if (this.#entering) return this.#entering;
    if (room.state === RoomState.JOINED) {
      return Promise.resolve({ roomId: room.roomId, userId: room.userId, opened: room.opened });
    }
    const attempt = ++room.attempt;
    const entering = this.#run(mode, attempt)
      .catch((error: unknown) => {
        const rtcError = RtcError.from(error, ErrorCode.SIGNALING_UNREACHABLE);
        if (attempt === room.attempt) {
          room.teardown();
          room.setState(RoomState.IDLE);
        }
        if (rtcError.code === ErrorCode.ROOM_FULL) room.emit('room-full', { roomId: room.roomId });
        if (rtcError.code !== ErrorCode.ABORTED) room.emit('error', rtcError);
        throw rtcError;
      })
      .finally(() => {
        if (this.#entering === entering) this.#entering = undefined;
      });
    this.#entering = entering;
    return entering;
  }

  /**
   * `join-room`, with our participation request right behind it (not after the ack: the server
   * handles one socket's events in order, and drops the request if the join is refused). A room
   * may make joiners wait for its owner's decision (up to a minute on our server).
   */
  #requestJoin(signaling: SignalingClient): Promise<[ok: boolean, error?: string]> {
    const room = this.#room;
    const joining = signaling.requestWithin(
      joinTimeout(room.options),
      'join-room',
      room.roomRequest(false),
    );
    room.relay(room.roomId, participationRequest(room.session));
    this.#warmUp();
    return joining;
  }

  /** `open-room`, with the WebRTC warm-up started once it is out. */
  #requestOpen(signaling: SignalingClient): Promise<[ok: boolean, error?: string]> {
    const opening = signaling.request('open-room', this.#room.roomRequest(true));
    this.#warmUp();
    return opening;
  }

  /**
   * openOrJoin when media does not wait for the role: join first and open only when there is no
   * room to join (one round trip fewer than asking first, for everyone but the first one in); a
   * page that loses the race to open joins after all. Resolves to whether we opened the room.
   */
  async #joinFirst(signaling: SignalingClient, check: () => void): Promise<boolean> {
    for (let tries = 0; ; tries++) {
      const [joined, joinError] = await this.#requestJoin(signaling);
      check();
      if (joined) return false;
      if (joinError !== LEGACY_ERRORS.ROOM_NOT_AVAILABLE || tries === 2)
        throw serverError(joinError, 'join');
      const [ok, openError] = await this.#requestOpen(signaling);
      check();
      if (ok) return true;
      if (openError !== LEGACY_ERRORS.ROOM_NOT_AVAILABLE) throw serverError(openError, 'open');
    }
  }

  /**
   * Starts the browser's WebRTC stack (its first RTCPeerConnection costs 8-110 ms of the page's
   * thread) while the page waits for the room's answer: once capture is done (both at once slow
   * capture down: camera+mic 12 ms alone, 50-70 ms beside a first RTCPeerConnection) and once the
   * request is out (earlier, it would hold up the socket's handshake on a busy machine). Not when
   * a peer connection exists or is about to (one for a member's expected offer): that one starts
   * the stack, and another would only take the WebRTC threads from it when its offer arrives.
   */
  #warmUp(): void {
    const room = this.#room;
    void room.mediaReady.then(() => {
      if (!room.mesh?.hasConnections) warmUpWebRtc();
    });
  }

  /**
   * Enters the room. Who is already there is announced after `joined` (the roster holds it back
   * meanwhile); on a failure it is announced too, before the teardown says they are gone.
   */
  async #run(mode: Mode, attempt: number): Promise<JoinResult> {
    this.#room.roster.hold();
    try {
      return await this.#enter(mode, attempt);
    } finally {
      this.#room.roster.release();
    }
  }

  async #enter(mode: Mode, attempt: number): Promise<JoinResult> {
    const room = this.#room;
    room.setState(RoomState.CONNECTING);
    validateRoom(room.roomId, room.userId, room.options, room.extra);
    const check = () => {
      if (attempt !== room.attempt) throw new RtcError(ErrorCode.ABORTED, 'The room was left');
    };
    // Media does not depend on the role unless the session is one-way: capture while connecting
    // and joining. Peers wait for it before their first offer or answer.
    let capture: Promise<void> | undefined;
    let roleKnown: () => void = () => undefined;
    room.mediaReady = new Promise<void>((resolve) => (roleKnown = resolve)).then(() => capture);
    if (!isOneWay(room.session)) {
      capture = this.#capture('participant');
      roleKnown();
    }
    let retries = 0;
    for (;;) {
      const signaling = this.#connectSignaling();
      try {
        await signaling.connect();
        check();
        let opened: boolean;
        if (mode === 'openOrJoin' && capture) {
          opened = await this.#joinFirst(signaling, check);
        } else {
          let wantsOpen = mode === 'open';
          if (mode === 'openOrJoin') {
            const [exists] = await signaling.request('check-presence', room.roomId);
            check();
            wantsOpen = !exists;
          }
          if (!capture) {
            capture = this.#capture(wantsOpen ? 'owner' : 'participant');
            roleKnown();
          }
          opened = false;
          if (wantsOpen) {
            const [ok, error] = await this.#requestOpen(signaling);
            check();
            if (ok) opened = true;
            else if (mode !== 'openOrJoin' || error !== LEGACY_ERRORS.ROOM_NOT_AVAILABLE) {
              throw serverError(error, 'open');
            } else if (isOneWay(room.session)) {
              // Lost the race to open a one-way room: join as a viewer, with a viewer's media.
              await capture;
              room.media.removeAll();
              capture = this.#capture('participant');
              room.mediaReady = capture;
            }
          }
          if (!opened) {
            const [ok, error] = await this.#requestJoin(signaling);
            check();
            if (!ok) throw serverError(error, 'join');
          }
        }
        await capture;
        check();
        room.opened = opened;
        if (opened) room.roster.setOwner(room.userId, false);
        room.setState(RoomState.JOINED);
        const result: JoinResult = { roomId: room.roomId, userId: room.userId, opened };
        room.emit('joined', result);
        return result;
      } catch (error) {
        const takenRetry =
          error instanceof RtcError &&
          error.code === ErrorCode.USERID_TAKEN &&
          room.options.retryWithFreshUserId !== false &&
          retries < MAX_USERID_RETRIES;
        if (!takenRetry) throw error;
        retries++;
        room.emit('error', error);
        room.closeSignaling();
        const previous = room.userId;
        room.userId = randomId();
        room.emit('user-id', { userId: room.userId, previous });
        check();
      }
    }
  }

  /** This entry's signaling connection (the early one, if any) and a new mesh. */
  #connectSignaling(): SignalingClient {
    const room = this.#room;
    // A socket connected ahead of the join (`connect()`) is the join's socket.
    const early = room.early?.connected && room.early === room.signaling ? room.early : undefined;
    room.early = undefined;
    if (early) {
      for (const unsubscribe of room.subscriptions) unsubscribe();
      room.subscriptions = [];
    } else {
      room.closeSignaling();
      room.iceServers = [];
    }
    const signaling = early ?? openSignaling(room, false, this.#reconnection);
    createMesh(room, this.#publishing, this.#reconnection);
    return signaling;
  }

  async #capture(role: 'owner' | 'participant'): Promise<void> {
    const room = this.#room;
    if (room.media.streams.length > 0 || room.options.dontCapture) return;
    const kinds = kindsToCapture(room.session, role);
    if (!kinds.audio && !kinds.video && !kinds.screen) return;
    try {
      await room.media.capture(
        {
          ...kinds,
          constraints: room.options.mediaConstraints,
          screenConstraints: room.options.screenConstraints,
        },
        () => room.state === RoomState.CONNECTING,
      );
    } catch (error) {
      // The user stays in the room and receives; the app learns why nothing is sent.
      room.emit('error', RtcError.from(error, ErrorCode.MEDIA_ERROR));
    }
  }
}
