import type { Extra, Session } from '../src/engine/signaling/protocol.js';

/** What the server keeps about a room. Never holds a plaintext password. */
export interface RoomRecord {
  id: string;
  owner: string;
  /** User ids in arrival order; the owner included. */
  participants: string[];
  /** How many users besides the opener may join (the seed's `maxParticipantsAllowed`). */
  maxParticipants: number;
  /** The owner's extra, as v3's `check-presence` and public room lists show it. */
  extra: Extra;
  session: Session;
  passwordHash: string | undefined;
  /** Public room identifier (`publicRoomIdentifier`), '' when not listed. */
  identifier: string;
  /** Close the room for everyone when the owner leaves. */
  autoClose: boolean;
  /** Every join waits for the owner's decision. */
  approveJoins: boolean;
  createdAt: number;
}

export type JoinOutcome =
  { ok: true; room: RoomRecord } | { ok: false; reason: 'not-found' | 'full' };

export interface LeaveOutcome {
  /** The room after the user left; undefined when it was deleted. */
  room: RoomRecord | undefined;
  /** Set when ownership moved to another participant. */
  newOwner: string | undefined;
  /** True when the room was closed for everyone (owner left with autoClose). */
  closed: boolean;
  /** Who was still in the room when it closed. */
  remaining: string[];
}

/**
 * Room state behind one interface, so it can live in memory (default) or in a shared store.
 * Every method is atomic with respect to the others for a given room.
 */
export interface RoomStore {
  get(id: string): Promise<RoomRecord | undefined>;
  /** Creates the room unless one with participants exists. */
  create(room: RoomRecord): Promise<boolean>;
  /** Adds a participant unless the room is missing or full. */
  join(id: string, userId: string): Promise<JoinOutcome>;
  /** Removes a participant; moves ownership or closes the room as needed. */
  leave(id: string, userId: string): Promise<LeaveOutcome>;
  /** Deletes the room; returns it as it was. */
  delete(id: string): Promise<RoomRecord | undefined>;
  /** Renames a participant (and the owner) in place; false when `to` is already in the room. */
  rename(id: string, from: string, to: string): Promise<boolean>;
  /** Replaces fields of an existing room. */
  update(id: string, patch: Partial<Omit<RoomRecord, 'id'>>): Promise<RoomRecord | undefined>;
  /** Rooms listed under a public identifier. */
  listPublic(identifier: string): Promise<RoomRecord[]>;
  /** Number of rooms (for metrics and leak checks). */
  size(): Promise<number>;
}

/** True when no one else may join: `maxParticipants` others besides the opener are in. */
export function isFull(room: RoomRecord): boolean {
  return room.participants.length >= room.maxParticipants + 1;
}

/** In-process store: the default, nothing to install. */
export class MemoryRoomStore implements RoomStore {
  #rooms = new Map<string, RoomRecord>();

  async get(id: string): Promise<RoomRecord | undefined> {
    const room = this.#rooms.get(id);
    return room && structuredClone(room);
  }

  async create(room: RoomRecord): Promise<boolean> {
    const existing = this.#rooms.get(room.id);
    if (existing && existing.participants.length > 0) return false;
    this.#rooms.set(room.id, structuredClone(room));
    return true;
  }

  async join(id: string, userId: string): Promise<JoinOutcome> {
    const room = this.#rooms.get(id);
    if (!room || room.participants.length === 0) return { ok: false, reason: 'not-found' };
    if (!room.participants.includes(userId)) {
      if (isFull(room)) return { ok: false, reason: 'full' };
      room.participants.push(userId);
    }
    return { ok: true, room: structuredClone(room) };
  }

  async leave(id: string, userId: string): Promise<LeaveOutcome> {
    const room = this.#rooms.get(id);
    const none: LeaveOutcome = {
      room: undefined,
      newOwner: undefined,
      closed: false,
      remaining: [],
    };
    if (!room || !room.participants.includes(userId))
      return { ...none, room: room && structuredClone(room) };
    room.participants = room.participants.filter((p) => p !== userId);
    if (room.participants.length === 0) {
      this.#rooms.delete(id);
      return none;
    }
    if (room.owner !== userId) return { ...none, room: structuredClone(room) };
    if (room.autoClose) {
      this.#rooms.delete(id);
      return { ...none, closed: true, remaining: [...room.participants] };
    }
    // Ownership moves to the longest-present participant.
    const [next] = room.participants as [string, ...string[]];
    room.owner = next;
    return { ...none, room: structuredClone(room), newOwner: room.owner };
  }

  async delete(id: string): Promise<RoomRecord | undefined> {
    const room = this.#rooms.get(id);
    this.#rooms.delete(id);
    return room;
  }

  async rename(id: string, from: string, to: string): Promise<boolean> {
    const room = this.#rooms.get(id);
    if (!room || room.participants.includes(to)) return false;
    room.participants = room.participants.map((p) => (p === from ? to : p));
    if (room.owner === from) room.owner = to;
    return true;
  }

  async update(
    id: string,
    patch: Partial<Omit<RoomRecord, 'id'>>,
  ): Promise<RoomRecord | undefined> {
    const room = this.#rooms.get(id);
    if (!room) return undefined;
    Object.assign(room, structuredClone(patch));
    return structuredClone(room);
  }

  async listPublic(identifier: string): Promise<RoomRecord[]> {
    return [...this.#rooms.values()]
      .filter(
        (room) =>
          room.identifier !== '' && room.identifier === identifier && room.participants.length > 0,
      )
      .map((room) => structuredClone(room));
  }

  async size(): Promise<number> {
    return this.#rooms.size;
  }
}
