/**
 * The hub of the `broadcast-channel:` transport: one tab serves every tab of the browser profile
 * and origin over a BroadcastChannel, as the signaling server would. It parses what tabs send with
 * the server's parsers and decides with the server's room rules (src/protocol/parse.ts, rules.ts:
 * docs/protocol.md §4-§8); what it leaves out is in §12.1. Everything on the channel comes from
 * other tabs: nothing a tab sends can stop the hub.
 */
import { randomId } from '../util/id.js';
import { channelName, clientLock, readMessage, type ChannelMessage } from './channel-wire.js';
import {
  INVALID_PAYLOAD,
  LEGACY_ERRORS,
  ROOM_ERRORS,
  SYSTEM_USER,
  addParticipant,
  admissionRefusal,
  isCustomMessage,
  isListed,
  isPassword,
  isPublicIdentifier,
  isRecord,
  isRenameNotice,
  isRoomRequest,
  isValidId,
  joinCheck,
  kickRefusal,
  mayApprove,
  newRoom,
  openRefusal,
  otherMember,
  ownerRefusal,
  parseExtra,
  parseRelayRequest,
  parseRoomRequest,
  passwordError,
  presenceOf,
  publicRoom,
  readHandshake,
  removeParticipant,
  renameParticipant,
  renameRefusal,
  requestTargets,
  requestedRoomId,
  type Extra,
  type HandshakeOptions,
  type Member,
  type RoomState,
} from '../../protocol/index.js';

/** A connected client and its user. */
interface User extends Member {
  /** The client (transport) id: its address on the channel. */
  client: string;
  messageEvent: string;
  customEvent: string | undefined;
  /** An rtc-elements client (it gets `session`, `room-info` and `kicked`). */
  modern: boolean;
  /** The user's events are handled one at a time, in order (a join may wait for its owner). */
  queue: Promise<unknown>;
}

/** A join waiting for the owner's decision. */
interface Waiting {
  roomId: string;
  extra: Extra;
  decide: (accepted: boolean) => void;
}

type Ack = (...answer: unknown[]) => void;

/** How long a join waits for the owner's decision (the server's default). */
const APPROVAL_MS = 60_000;

export class LocalHub {
  readonly id = randomId();
  readonly #name: string;
  readonly #channel: BroadcastChannel;
  /** By client id. */
  readonly #clients = new Map<string, User>();
  /** By user id. */
  readonly #users = new Map<string, User>();
  /** The rooms; a room's password is kept as its `passwordHash` (the tabs share a trust boundary). */
  readonly #rooms = new Map<string, RoomState>();
  /** Joins waiting for an owner's decision, by user id. */
  readonly #waiting = new Map<string, Waiting>();

  constructor(name: string) {
    this.#name = name;
    this.#channel = new BroadcastChannel(channelName(name));
    this.#channel.onmessage = ({ data }: MessageEvent) => this.#receive(readMessage(data));
    this.#post({ t: 'h' });
  }

  #post(message: Omit<ChannelMessage, 'from'>): void {
    this.#channel.postMessage(JSON.stringify({ ...message, from: this.id }));
  }

  #emit(userId: string, event: string, ...args: unknown[]): void {
    const user = this.#users.get(userId);
    if (user) this.#post({ t: 'e', to: user.client, e: event, a: args });
  }

  /** Emits to the room's members but `except`. */
  #toRoom(room: RoomState, except: string | undefined, event: string, ...args: unknown[]): void {
    for (const member of room.participants)
      if (member !== except) this.#emit(member, event, ...args);
  }

  #room(user: User): RoomState | undefined {
    return user.roomId === undefined ? undefined : this.#rooms.get(user.roomId);
  }

  #receive(m: ChannelMessage | undefined): void {
    if (m?.t === 'c' && !m.to) return this.#hello(m.from, isRecord(m.q) ? m.q : {});
    const user = m?.to === this.id ? this.#clients.get(m.from) : undefined;
    if (!user || !m) return;
    if (m.t === 'x') return this.#drop(user);
    const { e: event, a: args, k } = m;
    if (m.t !== 'e' || typeof event !== 'string' || !Array.isArray(args)) return;
    const ack: Ack = (...a) => {
      if (typeof k === 'number') this.#post({ t: 'a', to: m.from, k, a });
    };
    user.queue = user.queue.then(() => this.#handle(user, event, args, ack)).catch(() => undefined);
  }

  /** A client connects with its handshake query (§2.1), read as the server reads it. */
  #hello(client: string, query: Record<string, unknown>): void {
    if (this.#clients.has(client)) return;
    const options: HandshakeOptions = readHandshake(query);
    const userId = options.userId ?? randomId(10);
    this.#post({ t: 'w', to: client });
    if (this.#users.has(userId) || userId === SYSTEM_USER) {
      this.#post({ t: 'e', to: client, e: 'userid-already-taken', a: [userId, randomId(10)] });
      this.#post({ t: 'x', to: client, r: 'io server disconnect' });
      return;
    }
    const user: User = {
      ...options,
      userId,
      roomId: undefined,
      client,
      queue: Promise.resolve(),
    };
    this.#clients.set(client, user);
    this.#users.set(userId, user);
    // Nothing to resume here: a client that lost its hub rebuilds its room at once.
    if (user.modern)
      this.#emit(userId, 'session', { resumeToken: '', resumed: false, roomId: '', graceMs: 0 });
    // Granted when the client's tab closes or crashes, or the client lets go.
    void navigator.locks.request(clientLock(this.#name, client), () => this.#drop(user));
  }

  /** The client is gone: its user leaves its room and its id is free. */
  #drop(user: User): void {
    if (this.#clients.get(user.client) !== user) return;
    this.#clients.delete(user.client);
    this.#users.delete(user.userId);
    this.#waiting.get(user.userId)?.decide(false);
    this.#leave(user);
  }

  async #handle(user: User, event: string, args: unknown[], ack: Ack): Promise<void> {
    if (this.#clients.get(user.client) !== user) return;
    const [a, b] = args;
    if (event === user.messageEvent) return this.#relay(user, a);
    const room = this.#room(user);
    if (event === user.customEvent) {
      // Never to a member whose relay event has that name: only the hub writes relay envelopes.
      if (room && isCustomMessage(a))
        for (const member of room.participants)
          if (member !== user.userId && this.#users.get(member)?.messageEvent !== event)
            this.#emit(member, event, a);
      return;
    }
    // The room, for owner-only requests (§8.3); else why not.
    const refusal = ownerRefusal(user.roomId, room, room?.owner === user.userId);
    switch (event) {
      case 'open-room':
        return this.#open(user, a, ack);
      case 'join-room':
        return this.#join(user, a, ack);
      case 'check-presence': {
        const id = requestedRoomId(a);
        const found = isValidId(id) ? this.#rooms.get(id) : undefined;
        return ack(!!found, id, presenceOf(found));
      }
      case 'get-public-rooms':
        if (!isPublicIdentifier(a)) return ack(null, LEGACY_ERRORS.PUBLIC_IDENTIFIER_MISSING);
        return ack(
          [...this.#rooms.values()].filter((r) => isListed(r, a)).map((r) => publicRoom(r)),
        );
      case 'extra-data-updated': {
        const extra = parseExtra(a);
        if (!extra || JSON.stringify(extra) === JSON.stringify(user.extra)) return;
        user.extra = extra;
        if (!room) return;
        if (room.owner === user.userId) room.extra = extra;
        return this.#toRoom(room, user.userId, event, user.userId, extra);
      }
      case 'get-remote-user-extra-data': {
        const { USERID_NOT_AVAILABLE } = LEGACY_ERRORS;
        const other = otherMember(room, user.userId, a) ? this.#users.get(a) : undefined;
        return other
          ? ack(other.extra, other.userId)
          : ack(USERID_NOT_AVAILABLE, typeof a === 'string' ? a : '', USERID_NOT_AVAILABLE);
      }
      case 'set-password':
        if (!room) return ack(null, null, LEGACY_ERRORS.DID_NOT_JOIN_ANY_ROOM);
        if (!isPassword(a)) return ack(false, room.id, LEGACY_ERRORS.INVALID_PASSWORD);
        if (refusal) return ack(false, room.id, LEGACY_ERRORS.ROOM_PERMISSION_DENIED);
        room.passwordHash = a || undefined;
        return ack(true, room.id, null);
      case 'changed-uuid':
        return this.#rename(user, room, a, ack);
      case 'disconnect-with':
        if (otherMember(room, user.userId, a)) this.#deliver(user, a, 'dropPeerConnection');
        return ack();
      case 'participation-decision': {
        const waiting = typeof a === 'string' ? this.#waiting.get(a) : undefined;
        if (!refusal && waiting?.roomId === user.roomId) waiting?.decide(b === true);
        return;
      }
      case 'kick-user': {
        if (!room || refusal) return ack(false, refusal);
        const why = kickRefusal(room, user.userId, a);
        if (why) return ack(false, why);
        // The target leaves first and learns why (v3 pages only understand a closed session).
        const target = this.#users.get(a as string);
        if (target) {
          if (target.modern) this.#emit(target.userId, 'kicked', room.id, user.userId);
          else this.#emit(target.userId, 'closed-entire-session', room.id, room.extra);
          this.#leave(target);
        }
        return ack(true);
      }
      case 'close-entire-session': {
        if (!room || refusal) return ack(false, refusal);
        const others = room.participants.filter((p) => p !== user.userId);
        this.#close(room, others, user.extra);
        user.roomId = undefined;
        for (const other of others) this.#emit(user.userId, 'user-disconnected', other);
        return ack(true);
      }
    }
  }

  /** `open-room` (§4.1). */
  #open(user: User, payload: unknown, ack: Ack): void {
    const request = parseRoomRequest(payload);
    if (!request) return ack(false, INVALID_PAYLOAD);
    const refusal = openRefusal(this.#rooms.get(request.sessionid), user);
    if (refusal) return ack(false, refusal);
    const previous = user.roomId;
    // Re-opening the room we are in (alone) leaves it first; any other room once in the new one.
    if (previous === request.sessionid) this.#leave(user);
    // No relay tree here: a `relayLimit` room is a plain one (§12.1).
    const room = newRoom(request, user, request.password || undefined, 0);
    this.#rooms.set(room.id, room);
    user.extra = room.extra;
    this.#enter(user, room, previous);
    ack(true);
  }

  /** `join-room` (§4.2): the checks in the server's order, then in. */
  async #join(user: User, payload: unknown, ack: Ack): Promise<void> {
    const request = parseRoomRequest(payload);
    if (!request) return ack(false, INVALID_PAYLOAD);
    const room = joinCheck(this.#rooms.get(request.sessionid), request.sessionid, user);
    if (room === true) return ack(true);
    if (typeof room === 'string') return ack(false, room);
    if (room.passwordHash && request.password !== room.passwordHash)
      return ack(false, passwordError('wrong'));
    const refusal = admissionRefusal(room);
    if (refusal) return ack(false, refusal);
    const extra = request.extra ?? user.extra;
    if (room.approveJoins && !(await this.#approval(user, room, extra)))
      return ack(false, ROOM_ERRORS.JOIN_REJECTED);
    // Again, now: the room may have closed or filled up meanwhile.
    const now = this.#rooms.get(room.id);
    const outcome = now === room ? addParticipant(room, user.userId, true) : 'not-found';
    if (outcome === 'full') return ack(false, LEGACY_ERRORS.ROOM_FULL);
    if (outcome) return ack(false, LEGACY_ERRORS.ROOM_NOT_AVAILABLE);
    user.extra = extra;
    const previous = user.roomId;
    this.#enter(user, room, previous);
    if (user.modern) this.#emit(user.userId, 'room-info', room.id, { owner: room.owner });
    ack(true);
  }

  /**
   * The user is in `room` now (its participants list it): everyone learns about everyone once,
   * then the user leaves the room it was in.
   */
  #enter(user: User, room: RoomState, previous: string | undefined): void {
    user.roomId = room.id;
    for (const member of room.participants) {
      if (member === user.userId) continue;
      this.#emit(member, 'user-connected', user.userId, user.extra);
      this.#emit(user.userId, 'user-connected', member, this.#users.get(member)?.extra ?? {});
    }
    if (previous && previous !== room.id) this.#leave(user, previous);
  }

  /** Asks the room's owner; resolves with the decision (false on timeout, or when either goes). */
  #approval(user: User, room: RoomState, extra: Extra): Promise<boolean> {
    if (!mayApprove(room)) return Promise.resolve(false);
    const userId = user.userId;
    return new Promise<boolean>((resolve) => {
      const decide = (accepted: boolean) => {
        if (this.#waiting.get(userId)?.decide !== decide) return;
        this.#waiting.delete(userId);
        clearTimeout(timer);
        resolve(accepted);
      };
      const timer = setTimeout(() => decide(false), APPROVAL_MS);
      this.#waiting.set(userId, { roomId: room.id, extra, decide });
      this.#emit(room.owner, 'participation-request', userId, extra);
    });
  }

  /** `changed-uuid` (§4.12): renamed in its room too; its peers get the rename notice. */
  #rename(user: User, room: RoomState | undefined, newId: unknown, ack: Ack): void {
    const refusal = renameRefusal(newId, user);
    if (refusal === true) return ack(true);
    const to = newId as string;
    if (refusal || this.#users.has(to) || (room && !renameParticipant(room, user.userId, to)))
      return ack(false, refusal ?? ROOM_ERRORS.USERID_TAKEN);
    const oldUUID = user.userId;
    this.#users.delete(oldUUID);
    this.#users.set((user.userId = to), user);
    for (const member of room?.participants ?? [])
      if (member !== to) this.#deliver(user, member, { changedUUID: true, oldUUID, newUUID: to });
    ack(true);
  }

  /** The relay event (§6): routed in the sender's room, stamped with the sender. */
  #relay(user: User, payload: unknown): void {
    const request = parseRelayRequest(payload);
    const room = this.#room(user);
    if (!request || !room || isRenameNotice(request.message)) return;
    const { remoteUserId: to, message } = request;
    if (isRoomRequest(room, to, message)) {
      for (const target of requestTargets(room, user.userId)) this.#deliver(user, target, message);
    } else if (to !== user.userId && room.participants.includes(to)) {
      this.#deliver(user, to, message);
    } else {
      this.#emit(user.userId, 'user-not-found', to);
    }
  }

  #deliver(from: User, to: string, message: unknown): void {
    const target = this.#users.get(to);
    if (!target) return;
    const envelope = { remoteUserId: to, sender: from.userId, message, extra: from.extra };
    this.#emit(to, target.messageEvent, envelope);
  }

  /** A user leaves a room (§8.5): the others hear it; ownership moves or the room closes. */
  #leave(user: User, roomId = user.roomId): void {
    if (user.roomId === roomId) user.roomId = undefined;
    const room = roomId === undefined ? undefined : this.#rooms.get(roomId);
    if (!room) return;
    const departure = removeParticipant(room, user.userId, () => true);
    if (!departure.left) return;
    this.#toRoom(room, undefined, 'user-disconnected', user.userId);
    const owner = departure.newOwner;
    if (owner) {
      this.#toRoom(room, undefined, 'owner-changed', room.id, owner);
      this.#emit(owner, 'set-isInitiator-true', room.id);
      // Joins that were waiting for the old owner now wait for the new one.
      for (const [waiting, { roomId: id, extra }] of this.#waiting)
        if (id === room.id) this.#emit(owner, 'participation-request', waiting, extra);
    }
    if (departure.deleted) this.#close(room, departure.remaining, user.extra);
  }

  /**
   * Deletes a room: `members` get `closed-entire-session` (with the owner's extra) and are out of
   * it; waiting joins are refused.
   */
  #close(room: RoomState, members: string[], ownerExtra: Extra): void {
    this.#rooms.delete(room.id);
    for (const [, waiting] of this.#waiting) if (waiting.roomId === room.id) waiting.decide(false);
    for (const member of members) {
      const user = this.#users.get(member);
      if (user?.roomId === room.id) user.roomId = undefined;
      this.#emit(member, 'closed-entire-session', room.id, ownerExtra);
    }
  }
}
