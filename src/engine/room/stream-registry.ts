import type { StreamInfo } from './types.js';

const keyOf = (type: StreamInfo['type'], userId: string, streamId: string) =>
  `${type}:${userId}:${streamId}`;

/**
 * The streams a room shows, local and remote, by who sends them: each is announced once when it
 * comes (`stream`) and once when it goes (`stream-ended`), and a user taking a new id keeps its
 * streams (one rename path, for our own id and for a remote user's).
 */
export class StreamRegistry {
  readonly #streams = new Map<string, StreamInfo>();
  readonly #announce: (event: 'stream' | 'stream-ended', info: StreamInfo) => void;

  constructor(announce: (event: 'stream' | 'stream-ended', info: StreamInfo) => void) {
    this.#announce = announce;
  }

  /** Local streams first, then remote ones, each in the order they came. */
  get list(): StreamInfo[] {
    const all = [...this.#streams.values()];
    return [...all.filter((s) => s.type === 'local'), ...all.filter((s) => s.type === 'remote')];
  }

  /** Adds a stream (announced, unless it was there already). */
  add(info: StreamInfo): void {
    const key = keyOf(info.type, info.userId, info.stream.id);
    if (this.#streams.has(key)) return;
    this.#streams.set(key, info);
    this.#announce('stream', info);
  }

  /** Removes a stream (announced, if it was there). */
  remove(type: StreamInfo['type'], userId: string, stream: MediaStream): void {
    const key = keyOf(type, userId, stream.id);
    const info = this.#streams.get(key);
    if (!info) return;
    this.#streams.delete(key);
    this.#announce('stream-ended', info);
  }

  /** A user took a new id: its streams of that type follow. True when it had any. */
  rename(type: StreamInfo['type'], previous: string, userId: string): boolean {
    let renamed = false;
    for (const info of [...this.#streams.values()]) {
      if (info.type !== type || info.userId !== previous) continue;
      this.#streams.delete(keyOf(type, previous, info.stream.id));
      info.userId = userId;
      this.#streams.set(keyOf(type, userId, info.stream.id), info);
      renamed = true;
    }
    return renamed;
  }

  /** Removes every stream, each announced. */
  clear(): void {
    for (const info of [...this.#streams.values()])
      this.remove(info.type, info.userId, info.stream);
  }
}
