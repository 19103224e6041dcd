import { RoomConnection } from './room/room-connection.js';
import { broadcastViewers, checkPresence, publicRooms, withSignaling } from './room/requests.js';
import type { Presence, PublicRoomInfo, RoomOptions } from './room/types.js';

/**
 * The page's registry of room connections, keyed by socket URL + room id. Elements that name the
 * same room share one connection; it is left when the last of them releases it.
 */
export class Engine {
  #rooms = new Map<string, { connection: RoomConnection; refs: number }>();

  /** Returns the connection for this server and room, creating it on first use. */
  acquire(options: RoomOptions): RoomConnection {
    const key = Engine.key(options.socketUrl, options.roomId);
    const entry = this.#rooms.get(key);
    if (entry) {
      entry.refs++;
      return entry.connection;
    }
    const connection = new RoomConnection(options);
    this.#rooms.set(key, { connection, refs: 1 });
    connection.on('left', () => {
      const current = this.#rooms.get(key);
      if (current?.connection === connection && current.refs <= 0) this.#rooms.delete(key);
    });
    return connection;
  }

  /** Gives back a connection from {@link acquire}; the last release leaves the room. */
  release(connection: RoomConnection): Promise<void> {
    const key = Engine.key(connection.socketUrl, connection.roomId);
    const entry = this.#rooms.get(key);
    if (!entry || entry.connection !== connection) return connection.leave();
    entry.refs--;
    if (entry.refs > 0) return Promise.resolve();
    this.#rooms.delete(key);
    return connection.leave();
  }

  /** Whether a room exists, is full or needs a password, without joining anything. */
  checkPresence(options: {
    socketUrl: string;
    roomId: string;
    timeoutMs?: number;
    /** A room token, for servers that require them (`AUTH_SECRET`). */
    token?: string;
  }): Promise<Presence> {
    const live = this.get(options.socketUrl, options.roomId);
    if (live) return live.checkPresence();
    return withSignaling(
      options.socketUrl,
      options.timeoutMs,
      (s) => checkPresence(s, options.roomId),
      options.token,
    );
  }

  /** Rooms opened with a public identifier on a server, without joining anything. */
  getPublicRooms(options: {
    socketUrl: string;
    identifier: string;
    timeoutMs?: number;
    token?: string;
  }): Promise<PublicRoomInfo[]> {
    return withSignaling(
      options.socketUrl,
      options.timeoutMs,
      (s) => publicRooms(s, options.identifier),
      options.token,
    );
  }

  /** How many viewers a scalable broadcast has, without joining anything. */
  getNumberOfBroadcastViewers(options: {
    socketUrl: string;
    broadcastId: string;
    timeoutMs?: number;
    token?: string;
  }): Promise<number> {
    return withSignaling(
      options.socketUrl,
      options.timeoutMs,
      (s) => broadcastViewers(s, options.broadcastId),
      options.token,
    );
  }

  /** The connection for this server and room, if one exists. */
  get(socketUrl: string, roomId: string): RoomConnection | undefined {
    return this.#rooms.get(Engine.key(socketUrl, roomId))?.connection;
  }

  /** Every live connection. */
  get rooms(): RoomConnection[] {
    return [...this.#rooms.values()].map((entry) => entry.connection);
  }

  static key(socketUrl: string, roomId: string): string {
    return `${normaliseUrl(socketUrl)}#${roomId}`;
  }
}

function normaliseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    // Non-web schemes (`broadcast-channel:name`) have no origin: the URL itself is the key.
    if (parsed.origin === 'null') return url;
    return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
  } catch {
    return url;
  }
}

/** The one engine of this page. */
export const engine = new Engine();
