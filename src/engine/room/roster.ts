import type { Extra } from '../../protocol/index.js';
import type { Emit } from './core.js';
import type { MuteKind, MuteState, Participant } from './types.js';

const kindsOf = (kind: MuteKind): ('audio' | 'video')[] =>
  kind === 'both' ? ['audio', 'video'] : [kind];

/**
 * Who is in the room with us: participants in arrival order with their extra data, the owner,
 * and everyone's mute state. Each change is emitted once, on the room connection's emitter.
 */
export class Roster {
  readonly #emit: Emit;
  #participants = new Map<string, Participant>();
  #muted = new Map<string, MuteState>();
  #owner: string | undefined;
  /** Announcements held back while joining (`hold`), in order. */
  #held: (() => void)[] | undefined;

  constructor(emit: Emit) {
    this.#emit = emit;
  }

  /**
   * Holds this roster's announcements back until `release()`, so that a joining page hears
   * `joined` first and then who was already there (the server announces them before it answers
   * the join). The list is current meanwhile: at `joined` it holds everyone.
   */
  hold(): void {
    this.#held ??= [];
  }

  /** Announces what was held back, in order, and stops holding. */
  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const announce of held) announce();
  }

  #announce: Emit = (event, payload) => {
    if (this.#held) this.#held.push(() => this.#emit(event, payload));
    else this.#emit(event, payload);
  };

  /** Other users in the room, in arrival order. */
  get participants(): Participant[] {
    return [...this.#participants.values()];
  }

  get owner(): string | undefined {
    return this.#owner;
  }

  has(userId: string): boolean {
    return this.#participants.has(userId);
  }

  add(userId: string, extra: Extra | undefined): void {
    const known = this.#participants.get(userId);
    if (known) {
      if (extra) this.update(userId, extra);
      return;
    }
    const participant: Participant = { userId, extra: extra ?? {} };
    this.#participants.set(userId, participant);
    this.#announce('participant-joined', participant);
  }

  update(userId: string, extra: Extra): void {
    const participant = this.#participants.get(userId);
    if (!participant || JSON.stringify(participant.extra) === JSON.stringify(extra)) return;
    participant.extra = extra;
    this.#announce('participant-updated', participant);
  }

  remove(userId: string): void {
    const participant = this.#participants.get(userId);
    if (!participant) return;
    this.#participants.delete(userId);
    this.#muted.delete(userId);
    this.#announce('participant-left', participant);
  }

  /**
   * A user took a new id: same place in the list, same extra and mute state. False when it is
   * not in the list (nothing was announced).
   */
  rename(previous: string, userId: string): boolean {
    if (this.#owner === previous) this.#owner = userId;
    const muted = this.#muted.get(previous);
    this.#muted.delete(previous);
    if (muted) this.#muted.set(userId, muted);
    const participant = this.#participants.get(previous);
    if (!participant) return false;
    this.#participants = new Map(
      [...this.#participants].map(([id, p]) =>
        id === previous ? [userId, { userId, extra: p.extra }] : [id, p],
      ),
    );
    this.#announce('participant-renamed', { userId, previous });
    return true;
  }

  /** Records the owner; `announce` emits `owner-changed` when it is a change. */
  setOwner(userId: string, announce: boolean): void {
    if (this.#owner === userId) return;
    this.#owner = userId;
    if (announce) this.#announce('owner-changed', { userId });
  }

  muteState(userId: string): MuteState {
    return { ...(this.#muted.get(userId) ?? { audio: false, video: false }) };
  }

  /** Applies a mute or unmute of `kind` and emits it (once per call, `kind` as given). */
  setMuted(userId: string, kind: MuteKind, muted: boolean): void {
    const state = this.muteState(userId);
    for (const k of kindsOf(kind)) state[k] = muted;
    this.#muted.set(userId, state);
    this.#announce(muted ? 'mute' : 'unmute', { userId, kind });
  }

  /** Everyone leaves (we left the room). */
  clear(): void {
    for (const userId of [...this.#participants.keys()]) this.remove(userId);
    this.#muted.clear();
    this.#owner = undefined;
  }
}
