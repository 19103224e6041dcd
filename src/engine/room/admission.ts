import type { Extra } from '../../protocol/index.js';
import type { RoomCore } from './core.js';

/**
 * Approve-joins rooms, on the owner's side: the server holds a joiner until this page decides
 * (`participation-request`), and the room lists who waits until `accept()` or `reject()`.
 */
export class Admission {
  readonly #room: Pick<RoomCore, 'signaling' | 'emit'>;
  readonly #waiting = new Set<string>();

  constructor(room: Pick<RoomCore, 'signaling' | 'emit'>) {
    this.#room = room;
  }

  /** Joins waiting for this page's decision. */
  get pending(): string[] {
    return [...this.#waiting];
  }

  /** The server asks whether `userId` may join (once per wait). */
  asked(userId: string, extra: Extra): void {
    if (this.#waiting.has(userId)) return;
    this.#waiting.add(userId);
    this.#room.emit('participation-request', { userId, extra });
  }

  /** Lets a waiting user in, or turns it away; nothing for someone who is not waiting. */
  decide(userId: string, accepted: boolean): void {
    if (!this.#waiting.delete(userId)) return;
    this.#room.signaling?.notify('participation-decision', userId, accepted);
  }

  /** The user left: nothing to decide any more. */
  forget(userId: string): void {
    this.#waiting.delete(userId);
  }

  clear(): void {
    this.#waiting.clear();
  }
}
