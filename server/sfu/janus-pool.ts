import { randomBytes } from 'node:crypto';
import Janode, { type JanodeConnection, type JanodeSession } from 'janode';
import VideoRoomPlugin, { type VideoRoomHandle } from 'janode/plugins/videoroom';
import type { Logger } from '../log.js';
import type { SfuConfig } from './sfu-config.js';

/**
 * A VideoRoom that carries one rtc-elements room: the Janus instance it lives on, its number,
 * and its secret (to destroy it) and pin (to join it), which only the signaling server knows.
 * Kept with the room in the room store, so every signaling node finds it.
 */
export interface SfuRoom {
  instance: string;
  room: number;
  secret: string;
  pin: string;
}

/** Janus could not be reached or refused: the room cannot be an SFU room (`SFU_UNAVAILABLE`). */
export class SfuUnavailableError extends Error {
  override readonly name = 'SfuUnavailableError';
  readonly code = 'SFU_UNAVAILABLE';
}

/** One Janus instance: a connection, a session and a VideoRoom handle for managing rooms. */
interface Instance {
  url: string;
  /** Rooms this node created there and has not destroyed (to spread new ones). */
  rooms: number;
  link?: Promise<{ connection: JanodeConnection; session: JanodeSession; handle: VideoRoomHandle }>;
}

const secret = () => randomBytes(24).toString('base64url');

/**
 * The signaling server's side of Janus: creates a VideoRoom for an rtc-elements room on the
 * instance with the fewest of this node's rooms that answers, and destroys it when the room closes.
 * Connections are made on first use and made again after they drop; an instance that cannot be
 * reached is skipped for the next (several `JANUS_URL`s), and when none answers the error is an
 * `SfuUnavailableError`.
 */
export class JanusPool {
  readonly #config: SfuConfig;
  readonly #logger: Logger | undefined;
  readonly #instances: Instance[];
  #closed = false;

  constructor(config: SfuConfig, logger?: Logger) {
    this.#config = config;
    this.#logger = logger;
    this.#instances = config.janusUrls.map((url) => ({ url, rooms: 0 }));
    Janode.Logger.setLevel('none');
  }

  /** Creates a VideoRoom for `roomId` (its description) with room for `publishers` senders. */
  async createRoom(roomId: string, publishers: number): Promise<SfuRoom> {
    const order = [...this.#instances].sort((a, b) => a.rooms - b.rooms);
    const failures: string[] = [];
    for (const instance of order) {
      // Counted from the start, so that rooms created at the same time spread too.
      instance.rooms++;
      try {
        const { handle } = await this.#link(instance);
        const room = { secret: secret(), pin: secret() };
        const created = await handle.create({
          description: `rtc-elements ${roomId}`.slice(0, 120),
          max_publishers: Math.max(1, publishers),
          permanent: false,
          is_private: true,
          ...room,
          ...(this.#config.adminKey ? { admin_key: this.#config.adminKey } : {}),
        });
        return { instance: instance.url, room: created.room, ...room };
      } catch (error) {
        instance.rooms--;
        failures.push(`${instance.url}: ${(error as Error).message}`);
        this.#logger?.warn('janus refused a room', {
          instance: instance.url,
          error: String(error),
        });
      }
    }
    throw new SfuUnavailableError(
      `No Janus instance could create the room (${failures.join('; ')})`,
    );
  }

  /** Destroys a room's VideoRoom; one already gone (Janus restarted) counts as destroyed. */
  async destroyRoom(room: SfuRoom): Promise<void> {
    const instance = this.#instances.find((i) => i.url === room.instance);
    if (!instance) return;
    try {
      const { handle } = await this.#link(instance);
      await handle.destroy({ room: room.room, secret: room.secret });
    } catch (error) {
      if (!/\b426\b|No such room/i.test(String(error))) {
        throw new SfuUnavailableError(
          `Could not destroy the VideoRoom: ${(error as Error).message}`,
        );
      }
    } finally {
      instance.rooms = Math.max(0, instance.rooms - 1);
    }
  }

  /** Whether the VideoRoom still exists (false when its instance does not answer). */
  async exists(room: SfuRoom): Promise<boolean> {
    const instance = this.#instances.find((i) => i.url === room.instance);
    if (!instance) return false;
    try {
      const { handle } = await this.#link(instance);
      return (await handle.exists({ room: room.room })).exists;
    } catch {
      return false;
    }
  }

  /** Closes every connection; the pool makes no new ones. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(
      this.#instances.map(async (instance) => {
        const link = instance.link;
        instance.link = undefined;
        const open = await link?.catch(() => undefined);
        await open?.connection.close().catch(() => undefined);
      }),
    );
  }

  #link(instance: Instance): NonNullable<Instance['link']> {
    if (this.#closed) return Promise.reject(new SfuUnavailableError('The Janus pool is closed'));
    instance.link ??= (async () => {
      const connection = await Janode.connect({
        is_admin: false,
        address: {
          url: instance.url,
          ...(this.#config.apiSecret ? { apisecret: this.#config.apiSecret } : {}),
        },
        retry_time_secs: 1,
        max_retries: 1,
      });
      const forget = () => {
        instance.link = undefined;
      };
      connection.once(Janode.EVENT['CONNECTION_CLOSED'] ?? 'connection_closed', forget);
      connection.once(Janode.EVENT['CONNECTION_ERROR'] ?? 'connection_error', forget);
      const session = await connection.create();
      session.once(Janode.EVENT['SESSION_DESTROYED'] ?? 'session_destroyed', forget);
      const handle = await session.attach(VideoRoomPlugin);
      return { connection, session, handle };
    })();
    // A failed attempt is not kept: the next call tries again.
    instance.link.catch(() => {
      instance.link = undefined;
    });
    return instance.link;
  }
}
