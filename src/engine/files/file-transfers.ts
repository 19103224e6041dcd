import { ErrorCode, RtcError, type FileTransferInfo } from '../errors.js';
import { Emitter } from '../util/emitter.js';
import type { FileEngine } from './file-engine.js';
import { newFileId } from './frames.js';
import type { LegacyFiles } from './legacy/legacy-engine.js';
import { chunkBytes } from './sending.js';

export type { FileTransferInfo } from '../errors.js';

/** An answer to an offer: accept, decline, or decline because it is over the listener's limit. */
export type OfferAnswer = boolean | 'too-large';

/** An incoming file: listeners may decide with `respondWith(answer)` (a value or a promise). */
export interface FileOffer extends FileTransferInfo {
  mime: string;
  respondWith(answer: OfferAnswer | Promise<OfferAnswer>): void;
}

/**
 * A transfer with an RTCMultiConnection 3.x page, in its format (docs/protocol.md §10.2), counts
 * v3's way too: the record at `currentPosition` of `maxChunks` (0 = start, maxChunks + 1 = end).
 */
export interface LegacyPosition {
  legacy?: { currentPosition: number; maxChunks: number };
}

export interface FileEvents {
  /** A user offers a file; nothing flows until every `respondWith()` says yes (default yes). */
  'file-offer': FileOffer;
  'file-start': FileTransferInfo & LegacyPosition;
  'file-progress': FileTransferInfo & { bytes: number } & LegacyPosition;
  /** Done (and verified). On the receiving side with the `File` and an object URL for it. */
  'file-end': FileTransferInfo & { file?: File; url?: string } & LegacyPosition;
  'file-cancel': FileTransferInfo & { by: 'local' | 'remote' };
  error: RtcError;
}

/** A connection to a user, as far as files care (the room's `Peer`). */
export interface FilePeer {
  /** An RTCMultiConnection 3.x page: files go in its format, on its `sctp` channel. */
  readonly legacy: boolean;
  send(data: ArrayBuffer): Promise<void>;
}

/** What the room tells its file transfers. */
export interface FileRoom {
  peer(userId: string): FilePeer | undefined;
  userId(): string;
}

/**
 * Whether binary data is one binarize-packed object (FileBufferReader's records: type 6, a key
 * count, then a byte length that covers the rest exactly).
 */
const isPackedObject = (data: unknown): data is ArrayBuffer =>
  data instanceof ArrayBuffer &&
  data.byteLength >= 7 &&
  new DataView(data).getUint8(0) === 6 &&
  new DataView(data).getUint32(3) + 7 === data.byteLength;

/** A file channel attached before the engine was loaded, and what arrived on it meanwhile. */
interface Early {
  channel: RTCDataChannel;
  pc: RTCPeerConnection;
  queue: unknown[];
}

/**
 * The room's file transfers (the protocol is in docs/protocol.md §10.1; the work in
 * `FileEngine`). A page that never sends or receives a file never loads the engine: it is a file
 * of its own in the element bundle, loaded by the first `send()` or the first message on a file
 * channel. Until then a channel only keeps what arrives, for the engine to read in order.
 * RTCMultiConnection 3.x pages get and send files in their own format (§10.2, `LegacyFiles`,
 * another file of its own, loaded by the first file to or from such a page).
 */
export class FileTransfers extends Emitter<FileEvents> {
  #engine: FileEngine | undefined;
  #loading: Promise<FileEngine> | undefined;
  #legacy: Promise<LegacyFiles> | undefined;
  readonly #early = new Map<string, Early>();
  readonly #room: FileRoom | undefined;
  #disposed = false;
  /** Bytes per chunk record to RTCMultiConnection pages (v3's `connection.chunkSize`). */
  legacyChunkSize = 40_000;

  constructor(room?: FileRoom) {
    super();
    this.#room = room;
  }

  /** Sends a file to these users; returns its id. Transfers wait for each user's channel. */
  send(blob: Blob, userIds: readonly string[]): string {
    if (userIds.length === 0) throw new RtcError(ErrorCode.INVALID_STATE, 'Nobody to send to');
    const id = newFileId();
    const legacy = userIds.filter((userId) => this.#room?.peer(userId)?.legacy);
    const ours = userIds.filter((userId) => !legacy.includes(userId));
    const chunkSize = this.legacyChunkSize;
    if (legacy.length > 0) this.#withLegacy((files) => files.send(blob, legacy, id, chunkSize));
    if (ours.length > 0) void this.#withEngine((engine) => engine.send(blob, ours, id));
    return id;
  }

  /**
   * Takes a binary message from a user's text channel when it is a file record of an
   * RTCMultiConnection page; false when it is not (the room delivers it as a message).
   */
  receiveLegacy(userId: string, data: unknown): boolean {
    if (!isPackedObject(data) || !this.#room?.peer(userId)?.legacy) return false;
    this.#withLegacy((files) => files.receive(userId, data));
    return true;
  }

  /**
   * Forwards a file that is arriving from `from` to these users (a relay of a scalable
   * broadcast); see `FileEngine.relay`.
   */
  relay(from: string, fileId: string, userIds: readonly string[]): void {
    this.#engine?.relay(from, fileId, userIds);
  }

  /** Cancels a file (to or from everyone, or one user); both sides clean up. */
  cancel(fileId: string, userId?: string): void {
    this.#ifLegacy((files) => files.cancel(fileId, userId));
    if (this.#engine) this.#engine.cancel(fileId, userId);
    // A send whose engine is still loading is cancelled once it has started.
    else void this.#loading?.then((engine) => engine.cancel(fileId, userId));
  }

  /** A (new) file channel to a user: transfers to it are offered again, resuming where they were. */
  attach(userId: string, channel: RTCDataChannel, pc: RTCPeerConnection): void {
    if (this.#engine) return this.#engine.attach(userId, channel, pc);
    channel.binaryType = 'arraybuffer';
    const early: Early = { channel, pc, queue: [] };
    this.#early.set(userId, early);
    channel.onmessage = ({ data }: MessageEvent<unknown>) => {
      early.queue.push(data);
      void this.#withEngine(() => undefined);
    };
    channel.onclose = () => {
      if (this.#early.get(userId) === early) this.#early.delete(userId);
    };
  }

  /** The user left the room: its transfers fail. */
  peerGone(userId: string): void {
    this.#ifLegacy((files) => files.peerGone(userId));
    this.#early.delete(userId);
    this.#engine?.peerGone(userId);
  }

  /** Leaving the room: everything stops, object URLs are revoked. */
  dispose(): void {
    this.#ifLegacy((files) => files.dispose());
    this.#disposed = true;
    this.#early.clear();
    this.#engine?.dispose();
  }

  /** Payload bytes per chunk message to a user (once its file channel is open). */
  chunkSize(userId: string): number | undefined {
    if (this.#engine) return this.#engine.chunkSize(userId);
    const early = this.#early.get(userId);
    return early?.channel.readyState === 'open' ? chunkBytes(early.pc) : undefined;
  }

  /** The file channel to a user, for tests and diagnostics. */
  channel(userId: string): RTCDataChannel | undefined {
    return this.#engine ? this.#engine.channel(userId) : this.#early.get(userId)?.channel;
  }

  /** Runs `use` with the engine, loading it first if needed (once; again after a failed load). */
  #withEngine(use: (engine: FileEngine) => void): Promise<void> {
    if (this.#engine) {
      use(this.#engine);
      return Promise.resolve();
    }
    this.#loading ??= import('./file-engine.js').then(({ FileEngine }) => this.#start(FileEngine));
    return this.#loading.then(
      (engine) => {
        if (!this.#disposed) use(engine);
      },
      (error: unknown) => {
        this.#loading = undefined;
        this.emit(
          'error',
          new RtcError(ErrorCode.TRANSFER_FAILED, 'File transfer could not be loaded', {
            cause: error,
          }),
        );
      },
    );
  }

  /** Runs `use` with the legacy format, loading it first if needed (in call order). */
  #withLegacy(use: (files: LegacyFiles) => void): void {
    const room = this.#room;
    if (!room) return;
    this.#legacy ??= import('./legacy/legacy-engine.js').then(
      ({ LegacyFiles }) =>
        new LegacyFiles({
          emit: (event, detail) => this.emit(event, detail),
          error: (code, message, transfer) => new RtcError(code, message, { transfer }),
          send: (userId, data) =>
            room.peer(userId)?.send(data) ??
            Promise.reject(new RtcError(ErrorCode.PEER_NOT_FOUND, `Not connected to ${userId}`)),
          userId: () => room.userId(),
        }),
    );
    void this.#legacy.then(use, (error: unknown) => {
      this.#legacy = undefined;
      this.emit(
        'error',
        new RtcError(ErrorCode.TRANSFER_FAILED, 'File transfer could not be loaded', {
          cause: error,
        }),
      );
    });
  }

  /** Runs `use` with the legacy format if it is loaded or loading (in call order). */
  #ifLegacy(use: (files: LegacyFiles) => void): void {
    void this.#legacy?.then(use, () => undefined);
  }

  #start(Engine: typeof FileEngine): FileEngine {
    const engine = new Engine({
      emit: (event, detail) => this.emit(event, detail),
      error: (code, message, transfer) => new RtcError(code, message, { transfer }),
    });
    this.#engine = engine;
    if (this.#disposed) engine.dispose();
    // The channels that waited: attached in order, then what arrived on them, in order.
    for (const [userId, { channel, pc, queue }] of this.#early) {
      engine.attach(userId, channel, pc);
      for (const data of queue) engine.receive(userId, data);
    }
    this.#early.clear();
    return engine;
  }
}
