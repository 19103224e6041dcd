import type { LocalStream } from '../media/capture.js';
import type { RoomCore } from './core.js';
import { participationRequest } from './handshake.js';
import type { StreamInfo } from './types.js';

/** What the relay tree uses of its room. */
type RelayHost = Pick<
  RoomCore,
  'roomId' | 'session' | 'media' | 'mesh' | 'roster' | 'streams' | 'relay' | 'addParticipant'
>;

interface Forwarded {
  local: LocalStream;
  info: StreamInfo;
  /** The parent's stream whose tracks we show and forward now. */
  source: MediaStream;
}

/**
 * A viewer's part in a scalable broadcast. The server tells it its parent in the relay tree
 * (`broadcast-parent`); what arrives from the parent is shown (attributed to the broadcaster) and
 * forwarded, as the same stream, to the children the server sends it. When the parent changes
 * (it left or failed), the viewer connects to the new one and swaps the new tracks into that
 * stream: its children's senders follow with `replaceTrack`, so the subtree below never
 * renegotiates and its viewers never lose the stream.
 */
export class BroadcastRelay {
  readonly #host: RelayHost;
  #parent: string | undefined;
  /** Who we forward to (shared with the forwarded streams' targets). */
  readonly children = new Set<string>();
  /** Camera and screen streams of the broadcast, as shown and forwarded. */
  readonly #forwarded = new Map<boolean, Forwarded>();

  constructor(host: RelayHost) {
    this.#host = host;
  }

  /** Whose stream we receive (undefined outside a scalable broadcast, and for the broadcaster). */
  get parent(): string | undefined {
    return this.#parent;
  }

  /** The server placed us (again) in the tree under `parent`. */
  setParent(parent: string): void {
    const previous = this.#parent;
    this.#parent = parent;
    this.children.delete(parent);
    this.#host.addParticipant(parent, undefined);
    // The first placement comes with the join, whose own request reaches the parent.
    if (previous === undefined) return;
    const { mesh } = this.#host;
    if (previous === parent && mesh?.peers.get(parent)?.connectionState === 'connected') return;
    if (previous !== parent && mesh?.peers.has(previous)) {
      mesh.closePeer(previous);
      // Tell the former parent to close its side too.
      this.#host.relay(previous, 'dropPeerConnection');
    }
    // Ask the new parent (the server routes the request to it) to connect to us.
    this.#host.relay(this.#host.roomId, participationRequest(this.#host.session));
  }

  /** A viewer asked us to connect: it is (now) one of our children. */
  addChild(userId: string): void {
    if (userId !== this.#parent) this.children.add(userId);
  }

  removeChild(userId: string): void {
    this.children.delete(userId);
  }

  /** A member took a new id (the server's `changedUUID`): our parent or a child keeps its place. */
  rename(previous: string, userId: string): void {
    if (this.#parent === previous) this.#parent = userId;
    if (this.children.delete(previous)) this.children.add(userId);
  }

  /** A remote stream arrived; true when it is the broadcast (from our parent) and was taken. */
  streamStarted(userId: string, stream: MediaStream, isScreen: boolean): boolean {
    if (userId !== this.#parent) return false;
    const known = this.#forwarded.get(isScreen);
    if (known) {
      known.source = stream;
      this.#sync(known);
    } else {
      const out = new MediaStream(stream.getTracks());
      const local = this.#host.media.add(out, { isScreen, relayed: true, targets: [] });
      local.targets = this.children;
      const info: StreamInfo = {
        userId: this.#host.roster.owner ?? userId,
        stream: out,
        type: 'remote',
        isScreen,
      };
      this.#forwarded.set(isScreen, { local, info, source: stream });
      this.#host.mesh?.attachLocalStreams();
      this.#host.streams.add(info);
    }
    stream.addEventListener('addtrack', () => {
      const forwarded = this.#forwarded.get(isScreen);
      if (forwarded?.source === stream) this.#sync(forwarded);
    });
    return true;
  }

  /**
   * A remote stream ended; true when it was the broadcast's. While the parent's connection lives,
   * the broadcaster stopped that stream: it ends here and below. A closed connection (the parent
   * left or failed) keeps the stream: the next parent's tracks take its place.
   */
  streamEnded(userId: string, stream: MediaStream): boolean {
    const entry = [...this.#forwarded].find(([, f]) => f.source === stream);
    if (!entry) return false;
    if (this.#host.mesh?.peers.has(userId)) this.#remove(entry[0], entry[1]);
    return true;
  }

  /** The broadcast is over (or we left): its streams end. */
  reset(): void {
    for (const [key, forwarded] of [...this.#forwarded]) this.#remove(key, forwarded);
    this.#parent = undefined;
    this.children.clear();
  }

  #remove(key: boolean, forwarded: Forwarded): void {
    this.#forwarded.delete(key);
    this.#host.media.remove(forwarded.local.stream.id);
    this.#host.streams.remove(forwarded.info.type, forwarded.info.userId, forwarded.info.stream);
  }

  /** The forwarded stream takes the tracks of its current source, kind by kind. */
  #sync(forwarded: Forwarded): void {
    const { local, source } = forwarded;
    let added = false;
    for (const track of source.getTracks()) {
      const previous = local.stream.getTracks().find((t) => t.kind === track.kind);
      if (previous === track) continue;
      if (previous) this.#host.media.swapTrack(local, previous, track);
      else {
        local.stream.addTrack(track);
        added = true;
      }
    }
    if (added) this.#host.mesh?.attachLocalStreams();
  }
}
