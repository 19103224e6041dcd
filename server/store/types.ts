/** What the signaling server keeps about rooms and users, and the store interface both stores implement. */
import type { Extra, RoomState } from '../../src/protocol/index.js';
import type { TreeState } from '../broadcast/tree.js';

/** True when no one else may join: `maxParticipants` others besides the opener are in (§8.1). */
export { isFull } from '../../src/protocol/rules.js';

/**
 * What the server keeps about a room: the state the room rules read (src/protocol/rules.ts), whose
 * `passwordHash` is a scrypt hash (never a plaintext password), and when it was opened.
 */
export interface RoomRecord extends RoomState {
  createdAt: number;
}

/** Fields of a room that may change after it was opened (owner and participants move by join/leave). */
export type RoomPatch = Partial<Pick<RoomRecord, 'extra' | 'passwordHash'>>;

/** A connected user, as every node sees it. */
export interface UserRecord {
  userId: string;
  /** The node the user's socket is on, and the socket's id (a stale release is a no-op). */
  node: string;
  sid: string;
  /** The relay event the user's client listens to (v3's `socketMessageEvent`). */
  event: string;
  extra: Extra;
  /** The room the user is in, '' for none (kept by create/join/leave). */
  room: string;
  /** An rtc-elements client. */
  modern: boolean;
  /** SHA-256 (hex) of the secret that lets this client resume its session; '' for none. */
  token: string;
  /** While the socket is gone and the user keeps its room: until when (ms); 0 when connected. */
  graceUntil: number;
  /**
   * The role its room token gives (`owner` or `guest`), '' on a server without tokens. A guest
   * never becomes a room's owner: ownership moves to the next participant who is not one.
   */
  role: string;
}

export type JoinOutcome =
  { ok: true; room: RoomRecord } | { ok: false; reason: 'not-found' | 'full' };

export interface LeaveOutcome {
  /** True when the user was in the room (and now is not). */
  left: boolean;
  /** The room after the user left; undefined when it was deleted. */
  room: RoomRecord | undefined;
  /** Set when ownership moved to another participant. */
  newOwner: string | undefined;
  /** True when the room was closed for everyone (owner left with autoClose). */
  closed: boolean;
  /** Who was still in the room when it closed. */
  remaining: string[];
  /** The room that closed was a scalable broadcast. */
  broadcast: boolean;
}

/**
 * Room and user state behind one interface, so it lives in memory (default, one node) or in Redis
 * (several nodes). Every method is atomic: joiners racing on different nodes cannot over-fill a
 * room, two sockets cannot take one user id.
 */
export interface RoomStore {
  get(id: string): Promise<RoomRecord | undefined>;
  /** Creates the room unless one with participants exists; the owner's user record moves in. */
  create(room: RoomRecord): Promise<boolean>;
  /** Adds a participant unless the room is missing or full; takes an ownerless room unless a guest. */
  join(id: string, userId: string): Promise<JoinOutcome>;
  /**
   * Removes a participant; moves ownership (to the longest-present participant who is not a
   * guest; none: the room has no owner until one joins) or closes the room as needed.
   */
  leave(id: string, userId: string): Promise<LeaveOutcome>;
  /** Deletes the room; returns it as it was. */
  delete(id: string): Promise<RoomRecord | undefined>;
  /** Replaces fields of an existing room. */
  update(id: string, patch: RoomPatch): Promise<RoomRecord | undefined>;
  /** Rooms listed under a public identifier. */
  listPublic(identifier: string): Promise<RoomRecord[]>;
  /** Number of rooms (for metrics and leak checks). */
  size(): Promise<number>;

  /** Registers a connected user; false when the id is taken (on any node). */
  claimUser(user: UserRecord): Promise<boolean>;
  getUser(userId: string): Promise<UserRecord | undefined>;
  getUsers(userIds: string[]): Promise<(UserRecord | undefined)[]>;
  /** A room and a user at once (a relay's lookup: one round trip to a shared store). */
  getRoomAndUser(
    roomId: string,
    userId: string,
  ): Promise<[RoomRecord | undefined, UserRecord | undefined]>;
  /** Stores a user's new extra (only from the socket that holds the id). */
  setUserExtra(userId: string, sid: string, extra: Extra): Promise<void>;
  /**
   * Renames a user held by `sid`, in its room too (ownership included), and remembers the old id
   * for `aliasTtlMs` (0: not at all); drops any alias of `to`. False when `to` is taken or
   * already in the room.
   */
  renameUser(from: string, to: string, sid: string, aliasTtlMs: number): Promise<boolean>;
  /** The id a user renamed to within the alias period, if any. */
  aliasOf(userId: string): Promise<string | undefined>;
  /** Forgets a user, if `sid` still holds the id. */
  releaseUser(userId: string, sid: string): Promise<void>;
  /**
   * A client proving with the secret behind `user.token` that it is the same client takes its
   * id over (new node, socket, token; room and grace kept/ended). Returns the record as it was,
   * or undefined (no such user, or another secret).
   */
  resumeUser(user: UserRecord, proof: string): Promise<UserRecord | undefined>;
  /** Marks a user held by `sid` as gone until `until`, listed under `node` (which will end it). */
  setGrace(userId: string, sid: string, until: number, node: string): Promise<boolean>;
  /** Ends a grace period: forgets the user and returns its record, unless it resumed meanwhile. */
  endGrace(userId: string, sid: string): Promise<UserRecord | undefined>;

  /**
   * Changes a broadcast's relay tree atomically: `change` gets the stored tree (undefined when
   * there is none) and returns the new one (undefined deletes it) and a result. With a shared
   * store it may run again when another node changed the tree meanwhile. A room's tree goes
   * with the room.
   */
  updateTree<T>(
    roomId: string,
    change: (tree: TreeState | undefined) => { tree: TreeState | undefined; result: T },
  ): Promise<T>;
  getTree(roomId: string): Promise<TreeState | undefined>;

  /** Adds `delta` wrong password guesses to a room's count (a window starts with the first). */
  addGuesses(roomId: string, delta: number, windowMs: number): Promise<number>;
  clearGuesses(roomId: string): Promise<void>;
}
