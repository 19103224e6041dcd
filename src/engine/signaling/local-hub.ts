/**
 * The hub of the `broadcast-channel:` transport: the signaling server's room logic (docs/protocol.md
 * §4-§8) run by one tab for every tab of the browser profile and origin, over a BroadcastChannel.
 * How it differs from the server: docs/protocol.md §12. Everything on the channel comes from other
 * tabs: it is checked, and nothing a tab sends can stop the hub.
 */
import { randomId } from '../util/id.js';
import { channelName, clientLock, readMessage, type ChannelMessage } from './channel-wire.js';
import {
  DEFAULT_CUSTOM_EVENT,
  DEFAULT_MESSAGE_EVENT,
  INVALID_PAYLOAD,
  LEGACY_ERRORS,
  LIMITS,
  ROOM_ERRORS,
  isRecord,
  isValidEventName,
  isValidId,
  type Extra,
  type PublicRoom,
  type Session,
} from '../../protocol/index.js';

interface User {
  id: string;
  /** The client (transport) id: its address on the channel. */
  client: string;
  extra: Extra;
  msgEvent: string;
  customEvent: string | undefined;
  /** Handshake options for the rooms this user opens. */
  autoClose: boolean;
  max: number;
  /** An rtc-elements client (it gets `session`, `room-info` and `kicked`). */
  rtc: boolean;
  room?: Room | undefined;
  /** The user's events are handled one at a time, in order (a join may wait for its owner). */
  queue: Promise<unknown>;
}

interface Room {
  id: string;
  owner: User;
  /** In arrival order. */
  members: User[];
  session: Session;
  /** The owner's extra (the opener's until a new owner sends its own). */
  extra: Extra;
  identifier: unknown;
  password: string;
  max: number;
  autoClose: boolean;
  approve: boolean;
  /** Joins waiting for the owner's decision. */
  waiting: Map<User, (accepted: boolean) => void>;
}

type Ack = (...answer: unknown[]) => void;

const { ROOM_NOT_AVAILABLE, USERID_NOT_AVAILABLE, INVALID_PASSWORD, ROOM_FULL } = LEGACY_ERRORS;

const jsonLength = (value: unknown) => (JSON.stringify(value) as string | undefined)?.length ?? 0;
/** A JSON object of at most `extraBytes` characters. */
const validExtra = (value: unknown): Extra | undefined =>
  isRecord(value) && jsonLength(value) <= LIMITS.extraBytes ? value : undefined;
const isFull = (room: Room) => room.members.length > room.max;
const stringOr = (value: unknown, fallback: string) =>
  typeof value === 'string' ? value : fallback;

export class LocalHub {
  readonly id = randomId();
  readonly #name: string;
  readonly #channel: BroadcastChannel;
  /** By client id. */
  readonly #clients = new Map<string, User>();
  /** By user id. */
  readonly #users = new Map<string, User>();
  readonly #rooms = new Map<string, Room>();

  constructor(name: string) {
    this.#name = name;
    this.#channel = new BroadcastChannel(channelName(name));
    this.#channel.onmessage = ({ data }: MessageEvent) => this.#receive(readMessage(data));
    this.#post({ t: 'h' });
  }

  #post(message: Omit<ChannelMessage, 'from'>): void {
    this.#channel.postMessage(JSON.stringify({ ...message, from: this.id }));
  }

  #emit(user: User, event: string, ...args: unknown[]): void {
    this.#post({ t: 'e', to: user.client, e: event, a: args });
  }

  /** Emits to the room's members but `except`. */
  #toRoom(room: Room, except: User | undefined, event: string, ...args: unknown[]): void {
    for (const member of room.members) if (member !== except) this.#emit(member, event, ...args);
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

  /** A client connects with its handshake query (§2.1); invalid values are replaced. */
  #hello(client: string, query: Record<string, unknown>): void {
    if (this.#clients.has(client)) return;
    const { userid, msgEvent, socketCustomEvent, maxParticipantsAllowed: max } = query;
    const id = isValidId(userid) ? userid : randomId(10);
    const relayEvent = isValidEventName(msgEvent) ? msgEvent : DEFAULT_MESSAGE_EVENT;
    let extra: unknown;
    try {
      extra = JSON.parse(stringOr(query['extra'], ''));
    } catch {
      // {} below.
    }
    this.#post({ t: 'w', to: client });
    if (this.#users.has(id)) {
      this.#post({ t: 'e', to: client, e: 'userid-already-taken', a: [id, randomId(10)] });
      this.#post({ t: 'x', to: client, r: 'io server disconnect' });
      return;
    }
    const user: User = {
      id,
      client,
      extra: validExtra(extra) ?? {},
      msgEvent: relayEvent,
      customEvent:
        isValidEventName(socketCustomEvent) && socketCustomEvent !== relayEvent
          ? socketCustomEvent
          : relayEvent === DEFAULT_CUSTOM_EVENT
            ? undefined
            : DEFAULT_CUSTOM_EVENT,
      autoClose: query['autoCloseEntireSession'] === 'true',
      max: parseInt(stringOr(max, ''), 10) || 1000,
      rtc: 'rtcElements' in query,
      queue: Promise.resolve(),
    };
    if (user.max < 1) user.max = 1000;
    this.#clients.set(client, user);
    this.#users.set(id, user);
    // Nothing to resume here: a client that lost its hub rebuilds its room at once.
    if (user.rtc)
      this.#emit(user, 'session', { resumeToken: '', resumed: false, roomId: '', graceMs: 0 });
    // Granted when the client's tab closes or crashes, or the client lets go.
    void navigator.locks.request(clientLock(this.#name, client), () => this.#drop(user));
  }

  /** The client is gone: its user leaves its room and its id is free. */
  #drop(user: User): void {
    if (this.#clients.get(user.client) !== user) return;
    this.#clients.delete(user.client);
    this.#users.delete(user.id);
    for (const room of this.#rooms.values()) room.waiting.get(user)?.(false);
    this.#leave(user);
  }

  async #handle(user: User, event: string, args: unknown[], ack: Ack): Promise<void> {
    if (this.#clients.get(user.client) !== user) return;
    const { room } = user;
    const [a, b] = args;
    if (event === user.msgEvent) return this.#relay(user, room, a);
    if (event === user.customEvent) {
      // Never to a member whose relay event has that name: only the hub writes relay envelopes.
      if (room && jsonLength(a) <= LIMITS.relayBytes)
        for (const member of room.members)
          if (member !== user && member.msgEvent !== event) this.#emit(member, event, a);
      return;
    }
    const other = room?.members.find((member) => member.id === a && member !== user);
    // The room, for owner-only requests (§8.3); else the reason why not.
    const owned = room?.owner === user ? room : undefined;
    const notOwner = room
      ? LEGACY_ERRORS.ROOM_PERMISSION_DENIED
      : LEGACY_ERRORS.DID_NOT_JOIN_ANY_ROOM;
    switch (event) {
      case 'open-room':
      case 'join-room':
        return this.#enter(user, event === 'open-room', isRecord(a) ? a : {}, ack);
      case 'check-presence': {
        const found = typeof a === 'string' ? this.#rooms.get(a) : undefined;
        return ack(!!found, stringOr(a, ''), {
          ...found?.extra,
          _room: { isFull: !!found && isFull(found), isPasswordProtected: !!found?.password },
        });
      }
      case 'get-public-rooms':
        if (!isValidId(a) || !a.trim()) return ack(null, LEGACY_ERRORS.PUBLIC_IDENTIFIER_MISSING);
        return ack(
          [...this.#rooms.values()]
            .filter((r) => r.identifier === a)
            .map((r): PublicRoom => ({
              sessionid: r.id,
              owner: r.owner.id,
              participants: r.members.map((member) => member.id),
              participantCount: r.members.length,
              extra: r.extra,
              session: r.session,
              maxParticipantsAllowed: r.max,
              isRoomFull: isFull(r),
              isPasswordProtected: !!r.password,
            })),
        );
      case 'extra-data-updated': {
        const extra = validExtra(a);
        if (!extra || JSON.stringify(extra) === JSON.stringify(user.extra)) return;
        user.extra = extra;
        if (room?.owner === user) room.extra = extra;
        if (room) this.#toRoom(room, user, event, user.id, extra);
        return;
      }
      case 'get-remote-user-extra-data':
        return other
          ? ack(other.extra, other.id)
          : ack(USERID_NOT_AVAILABLE, stringOr(a, ''), USERID_NOT_AVAILABLE);
      case 'set-password':
        if (!room) return ack(null, null, notOwner);
        if (typeof a !== 'string' || a.length > LIMITS.passwordLength)
          return ack(false, room.id, INVALID_PASSWORD);
        if (!owned) return ack(false, room.id, notOwner);
        owned.password = a;
        return ack(true, room.id, null);
      case 'changed-uuid': {
        if (!isValidId(a)) return ack(false, USERID_NOT_AVAILABLE);
        if (a === user.id) return ack(true);
        if (this.#users.has(a) || a === 'system' || a === room?.id)
          return ack(false, ROOM_ERRORS.USERID_TAKEN);
        const oldUUID = user.id;
        this.#users.delete(oldUUID);
        this.#users.set((user.id = a), user);
        for (const member of room?.members ?? []) {
          if (member !== user)
            this.#deliver(user, member, { changedUUID: true, oldUUID, newUUID: a });
        }
        return ack(true);
      }
      case 'disconnect-with':
        if (other) this.#deliver(user, other, 'dropPeerConnection');
        return ack();
      case 'participation-decision':
        for (const [waiting, decide] of owned?.waiting ?? [])
          if (waiting.id === a) decide(b === true);
        return;
      case 'kick-user':
        if (!owned) return ack(false, notOwner);
        if (!other) return ack(false, USERID_NOT_AVAILABLE);
        this.#leave(other);
        if (other.rtc) this.#emit(other, 'kicked', owned.id, user.id);
        else this.#emit(other, 'closed-entire-session', owned.id, owned.extra);
        return ack(true);
      case 'close-entire-session':
        if (!owned) return ack(false, notOwner);
        for (const member of this.#close(owned))
          if (member !== user) this.#emit(user, 'user-disconnected', member.id);
        return ack(true);
    }
  }

  /** `open-room` (§4.1) and `join-room` (§4.2). */
  async #enter(user: User, open: boolean, r: Record<string, unknown>, ack: Ack): Promise<void> {
    const id = r['sessionid'];
    const password = r['password'] ?? '';
    const extra = r['extra'] === undefined ? user.extra : validExtra(r['extra']);
    if (!isValidId(id) || typeof password !== 'string' || password.length > LIMITS.passwordLength)
      return ack(false, INVALID_PAYLOAD);
    if (!extra) return ack(false, INVALID_PAYLOAD);
    let room = this.#rooms.get(id);
    if (open) {
      // Opening the room we are in leaves it first: alone in it, we open it anew.
      if (room === user.room) this.#leave(user);
      if (this.#rooms.has(id)) return ack(false, ROOM_NOT_AVAILABLE);
      const session: Record<string, unknown> = {};
      const requested = isRecord(r['session']) ? r['session'] : { audio: true, video: true };
      for (const key of ['audio', 'video', 'screen', 'data', 'oneway', 'broadcast']) {
        if (requested[key] === true || requested[key] === 'two-way') session[key] = requested[key];
      }
      room = {
        id,
        owner: user,
        members: [],
        session,
        extra,
        identifier: r['identifier'],
        password,
        max: user.max,
        autoClose: user.autoClose || !!session['oneway'] || !!session['broadcast'],
        approve: r['approveJoins'] === true,
        waiting: new Map(),
      };
      this.#rooms.set(id, room);
    } else {
      if (room && room === user.room) return ack(true);
      if (!room) return ack(false, ROOM_NOT_AVAILABLE);
      if (room.password && password !== room.password) return ack(false, INVALID_PASSWORD);
      if (isFull(room)) return ack(false, ROOM_FULL);
      if (room.approve) {
        const { waiting, owner } = room;
        const accepted = await new Promise<boolean>((resolve) => {
          waiting.set(user, resolve);
          this.#emit(owner, 'participation-request', user.id, extra);
          setTimeout(() => resolve(false), 60_000);
        });
        waiting.delete(user);
        if (!accepted || this.#rooms.get(id) !== room || this.#clients.get(user.client) !== user)
          return ack(false, ROOM_ERRORS.JOIN_REJECTED);
        if (isFull(room)) return ack(false, ROOM_FULL);
      }
    }
    this.#leave(user);
    user.extra = extra;
    for (const member of room.members) {
      this.#emit(member, 'user-connected', user.id, extra);
      this.#emit(user, 'user-connected', member.id, member.extra);
    }
    room.members.push(user);
    user.room = room;
    if (user.rtc && !open) this.#emit(user, 'room-info', id, { owner: room.owner.id });
    ack(true);
  }

  /** The relay event (§6): routed in the sender's room, stamped with the sender. */
  #relay(user: User, room: Room | undefined, envelope: unknown): void {
    const { remoteUserId: to, message } = isRecord(envelope) ? envelope : {};
    if (!room || !isValidId(to) || (!isRecord(message) && typeof message !== 'string')) return;
    if (jsonLength(message) > LIMITS.relayBytes) return;
    // A participation request to the room goes to everyone, or to the owner of a one-way room.
    const request = to === room.id && isRecord(message) && message['newParticipationRequest'];
    const oneWay = room.session.oneway || room.session.broadcast;
    const targets = room.members.filter(
      (member) =>
        member !== user && (request === true ? !oneWay || member === room.owner : member.id === to),
    );
    for (const target of targets) this.#deliver(user, target, message);
    if (request !== true && !targets.length) this.#emit(user, 'user-not-found', to);
  }

  #deliver(from: User, to: User, message: unknown): void {
    this.#emit(to, to.msgEvent, {
      remoteUserId: to.id,
      sender: from.id,
      message,
      extra: from.extra,
    });
  }

  /** A user leaves its room (§8.5): the others hear it; ownership moves or the room closes. */
  #leave(user: User): void {
    const { room } = user;
    if (!room) return;
    user.room = undefined;
    room.members = room.members.filter((member) => member !== user);
    const [next] = room.members;
    if (!next) {
      this.#close(room);
      return;
    }
    this.#toRoom(room, undefined, 'user-disconnected', user.id);
    if (room.owner !== user) return;
    if (room.autoClose) {
      this.#close(room, user);
      return;
    }
    room.owner = next;
    this.#toRoom(room, undefined, 'owner-changed', room.id, next.id);
    this.#emit(next, 'set-isInitiator-true', room.id);
    for (const waiting of room.waiting.keys())
      this.#emit(next, 'participation-request', waiting.id, waiting.extra);
  }

  /**
   * Deletes a room: its members but `owner` get `closed-entire-session` (with `owner`'s extra)
   * and are out of it; waiting joins are refused. Returns who was in it.
   */
  #close(room: Room, owner = room.owner): User[] {
    this.#rooms.delete(room.id);
    for (const decide of room.waiting.values()) decide(false);
    for (const member of room.members) {
      member.room = undefined;
      if (member !== owner) this.#emit(member, 'closed-entire-session', room.id, owner.extra);
    }
    return room.members;
  }
}
