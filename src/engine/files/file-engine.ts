import type { ErrorCode, FileTransferInfo, RtcError } from '../errors.js';
import type { FileEvents, OfferAnswer } from './file-transfers.js';
import { decodeChunk, newFileId, parseControl, type Control, type Offer } from './frames.js';
import { Receiving } from './receiving.js';
import { chunkBytes, Sending } from './sending.js';
import { RelaySource } from './relay-source.js';
import { FileSource, type Source } from './source.js';

/**
 * What the engine reports through: the room's `FileTransfers` (whose events these are, and whose
 * `RtcError` class errors must be: this module is a file of its own in the element bundle).
 */
export interface FileHost {
  emit<K extends keyof FileEvents>(event: K, detail: FileEvents[K]): void;
  error(code: ErrorCode, message: string, transfer?: FileTransferInfo): RtcError;
}

const PROGRESS_MS = 100;

interface Link {
  channel: RTCDataChannel;
  pc: RTCPeerConnection;
}

/**
 * Every file transfer of a room, per (file, user): offers, consent, streaming with
 * backpressure, SHA-256 verification, cancel from either side, and resume from the receiver's
 * offset when a user's file channel comes back. Loaded the first time a file moves (see
 * `FileTransfers`).
 */
export class FileEngine {
  readonly #host: FileHost;
  readonly #links = new Map<string, Link>();
  /** fileId → userId → sending. */
  readonly #sending = new Map<string, Map<string, Sending>>();
  /** `${userId} ${fileId}` → receiving. */
  readonly #receiving = new Map<string, Receiving>();
  readonly #lastProgress = new Map<object, number>();
  readonly #urls = new Set<string>();
  /** Files being forwarded while they arrive, by the transfer they arrive on. */
  readonly #relays = new Map<Receiving, RelaySource>();

  constructor(host: FileHost) {
    this.#host = host;
  }

  /** Sends a file to these users under that id. Transfers wait for each user's channel. */
  send(blob: Blob, userIds: readonly string[], id = newFileId()): string {
    return this.#start(new FileSource(id, blob), userIds);
  }

  /**
   * Forwards a file that is arriving from `from` to these users (a relay of a scalable
   * broadcast): each slice goes on as soon as it has arrived and checked out, with the original
   * sender's digests, so every receiver checks the file end to end. Same file id.
   */
  relay(from: string, fileId: string, userIds: readonly string[]): void {
    const receiving = this.#receiving.get(`${from} ${fileId}`);
    if (!receiving?.accepted || userIds.length === 0 || this.#relays.has(receiving)) return;
    const source = new RelaySource(receiving.offer);
    this.#relays.set(receiving, source);
    receiving.onSlice = (index, parts, digest) => source.push(index, parts, digest);
    this.#start(source, userIds);
  }

  #start(source: Source, userIds: readonly string[]): string {
    const byUser = new Map<string, Sending>();
    this.#sending.set(source.id, byUser);
    for (const userId of userIds) {
      const sending = new Sending(source, userId);
      byUser.set(userId, sending);
      this.#host.emit('file-start', this.#info(sending));
      const link = this.#open(userId);
      if (link) sending.offer(link.channel, false);
    }
    return source.id;
  }

  /** Cancels a file (to or from everyone, or one user); both sides clean up. */
  cancel(fileId: string, userId?: string): void {
    for (const sending of this.#sending.get(fileId)?.values() ?? []) {
      if (userId !== undefined && sending.userId !== userId) continue;
      if (!sending.live) continue;
      this.#control(sending.userId, { t: 'cancel', id: fileId });
      this.#endSending(sending);
      this.#host.emit('file-cancel', { ...this.#info(sending), by: 'local' });
    }
    for (const receiving of [...this.#receiving.values()]) {
      if (receiving.offer.id !== fileId) continue;
      if (userId !== undefined && receiving.userId !== userId) continue;
      this.#control(receiving.userId, { t: 'cancel', id: fileId });
      this.#endReceiving(receiving);
      this.#host.emit('file-cancel', { ...this.#info(receiving), by: 'local' });
    }
  }

  /** A (new) file channel to a user: transfers to it are offered again, resuming where they were. */
  attach(userId: string, channel: RTCDataChannel, pc: RTCPeerConnection): void {
    channel.binaryType = 'arraybuffer';
    const link: Link = { channel, pc };
    this.#links.set(userId, link);
    channel.onmessage = ({ data }: MessageEvent<unknown>) => {
      if (this.#links.get(userId) === link) this.receive(userId, data);
    };
    channel.onclose = () => {
      if (this.#links.get(userId) !== link) return;
      this.#links.delete(userId);
      for (const sending of this.#sendingTo(userId)) {
        sending.halt();
        sending.state = 'waiting';
      }
    };
    const reoffer = () => {
      for (const sending of this.#sendingTo(userId)) sending.offer(channel, sending.started);
    };
    if (channel.readyState === 'open') reoffer();
    else channel.onopen = () => this.#links.get(userId) === link && reoffer();
  }

  /** A message from a user's file channel. */
  receive(userId: string, data: unknown): void {
    if (typeof data === 'string') this.#onControl(userId, data);
    else if (data instanceof ArrayBuffer) this.#onChunk(userId, data);
  }

  /** The user left the room: its transfers fail. */
  peerGone(userId: string): void {
    this.#links.delete(userId);
    const failed = (info: FileTransferInfo) =>
      this.#host.emit(
        'error',
        this.#host.error('TRANSFER_FAILED', `${info.name}: ${userId} left the room`, info),
      );
    for (const sending of this.#sendingTo(userId)) {
      this.#endSending(sending);
      failed(this.#info(sending));
    }
    for (const receiving of [...this.#receiving.values()]) {
      if (receiving.userId !== userId) continue;
      this.#endReceiving(receiving);
      failed(this.#info(receiving));
    }
  }

  /** Leaving the room: everything stops, object URLs are revoked. */
  dispose(): void {
    for (const byUser of this.#sending.values()) for (const s of byUser.values()) s.halt();
    this.#sending.clear();
    this.#receiving.clear();
    this.#relays.clear();
    this.#links.clear();
    for (const url of this.#urls) URL.revokeObjectURL(url);
    this.#urls.clear();
  }

  /** Payload bytes per chunk message to a user (once its file channel is open). */
  chunkSize(userId: string): number | undefined {
    const link = this.#open(userId);
    return link ? chunkBytes(link.pc) : undefined;
  }

  /** The open file channel to a user, for tests and diagnostics. */
  channel(userId: string): RTCDataChannel | undefined {
    return this.#links.get(userId)?.channel;
  }

  #open(userId: string): Link | undefined {
    const link = this.#links.get(userId);
    return link?.channel.readyState === 'open' ? link : undefined;
  }

  #control(userId: string, message: Control): void {
    const link = this.#open(userId);
    if (!link) return;
    try {
      link.channel.send(JSON.stringify(message));
    } catch {
      // Closing under us: the other side cleans up on its own close.
    }
  }

  *#sendingTo(userId: string): Generator<Sending> {
    for (const byUser of this.#sending.values()) {
      const sending = byUser.get(userId);
      if (sending?.live) yield sending;
    }
  }

  #info(t: Sending | Receiving): FileTransferInfo {
    return t instanceof Sending
      ? {
          fileId: t.source.id,
          name: t.source.name,
          size: t.source.size,
          userId: t.userId,
          direction: 'send',
          ...(t.source instanceof RelaySource ? { relayed: true as const } : {}),
        }
      : {
          fileId: t.offer.id,
          name: t.offer.name,
          size: t.offer.size,
          userId: t.userId,
          direction: 'receive',
        };
  }

  #progress(t: Sending | Receiving, bytes: number, force = false): void {
    const now = Date.now();
    if (!force && now - (this.#lastProgress.get(t) ?? 0) < PROGRESS_MS) return;
    this.#lastProgress.set(t, now);
    this.#host.emit('file-progress', { ...this.#info(t), bytes });
  }

  #endSending(sending: Sending): void {
    sending.halt();
    sending.state = 'ended';
    this.#lastProgress.delete(sending);
    const byUser = this.#sending.get(sending.source.id);
    byUser?.delete(sending.userId);
    if (byUser?.size === 0) this.#sending.delete(sending.source.id);
  }

  #endReceiving(receiving: Receiving): void {
    this.#receiving.delete(`${receiving.userId} ${receiving.offer.id}`);
    this.#lastProgress.delete(receiving);
    // Forwarding stops with it (after a success, every slice and the digest are already in).
    this.#relays
      .get(receiving)
      ?.fail(this.#host.error('TRANSFER_FAILED', `${receiving.offer.name}: upstream ended`));
    this.#relays.delete(receiving);
  }

  #fail(t: Sending | Receiving, code: ErrorCode, message: string): void {
    const info = this.#info(t);
    if (t instanceof Sending) this.#endSending(t);
    else this.#endReceiving(t);
    this.#host.emit('error', this.#host.error(code, `${info.name}: ${message}`, info));
  }

  #onControl(userId: string, text: string): void {
    const message = parseControl(text);
    if (!message) return;
    if (message.t === 'offer') return this.#onOffer(userId, message);
    const receiving = this.#receiving.get(`${userId} ${message.id}`);
    const sending = this.#sending.get(message.id)?.get(userId);
    switch (message.t) {
      case 'accept':
        if (!sending?.live) return this.#control(userId, { t: 'cancel', id: message.id });
        return void this.#pump(
          sending,
          Math.min(message.offset, sending.source.size),
          message.hashes ?? 0,
        );
      case 'reject':
        if (!sending?.live) return;
        return message.reason === 'too-large'
          ? this.#fail(sending, 'FILE_TOO_LARGE', `too large for ${userId}`)
          : this.#fail(sending, 'FILE_REJECTED', `declined by ${userId}`);
      case 'done':
        if (!sending?.live) return;
        this.#progress(sending, sending.source.size, true);
        this.#endSending(sending);
        sending.state = 'done';
        return this.#host.emit('file-end', this.#info(sending));
      case 'corrupt':
        if (!sending?.live) return;
        return this.#fail(sending, 'TRANSFER_CORRUPT', `${userId} got a corrupt copy`);
      case 'cancel':
        if (sending?.live) {
          this.#endSending(sending);
          this.#host.emit('file-cancel', { ...this.#info(sending), by: 'remote' });
        }
        if (receiving) {
          this.#endReceiving(receiving);
          this.#host.emit('file-cancel', { ...this.#info(receiving), by: 'remote' });
        }
        return;
      case 'hash':
        if (receiving?.accepted) receiving.hash(message.index, message.sha256);
        return;
      case 'end':
        if (!receiving?.accepted) return;
        return void this.#onEnd(receiving, message.sha256);
    }
  }

  async #pump(sending: Sending, offset: number, hashes: number): Promise<void> {
    const link = this.#open(sending.userId);
    if (!link) return;
    sending.started = true;
    try {
      await sending.pump(link.channel, offset, hashes, chunkBytes(link.pc), () =>
        this.#progress(sending, sending.sent),
      );
    } catch (error) {
      if (sending.live && link.channel.readyState === 'open') {
        this.#control(sending.userId, { t: 'cancel', id: sending.source.id });
        this.#fail(
          sending,
          'TRANSFER_FAILED',
          error instanceof Error ? error.message : String(error),
        );
      }
    }
  }

  #onOffer(userId: string, offer: Offer): void {
    const key = `${userId} ${offer.id}`;
    const known = this.#receiving.get(key);
    if (known) {
      // The sender's channel came back: continue from what we hold.
      if (known.accepted) {
        const { received: offset, hashes } = known;
        this.#control(userId, { t: 'accept', id: offer.id, offset, hashes });
      }
      return;
    }
    if (offer.resume) return this.#control(userId, { t: 'cancel', id: offer.id });
    const receiving = new Receiving(offer, userId);
    this.#receiving.set(key, receiving);
    const answers: Promise<OfferAnswer>[] = [];
    this.#host.emit('file-offer', {
      ...this.#info(receiving),
      mime: offer.mime,
      respondWith: (accept) => void answers.push(Promise.resolve(accept)),
    });
    void Promise.all(answers).then(
      (verdicts) =>
        this.#decide(
          receiving,
          verdicts.includes('too-large') ? 'too-large' : verdicts.every((v) => v === true),
        ),
      () => this.#decide(receiving, false),
    );
  }

  #decide(receiving: Receiving, answer: OfferAnswer): void {
    const { userId, offer } = receiving;
    if (this.#receiving.get(`${userId} ${offer.id}`) !== receiving) return;
    if (answer !== true) {
      this.#endReceiving(receiving);
      const reason = answer === 'too-large' ? 'too-large' : 'declined';
      return this.#control(userId, { t: 'reject', id: offer.id, reason });
    }
    receiving.accepted = true;
    this.#host.emit('file-start', this.#info(receiving));
    this.#control(userId, { t: 'accept', id: offer.id, offset: 0 });
  }

  #onChunk(userId: string, data: ArrayBuffer): void {
    const chunk = decodeChunk(data);
    if (!chunk) return;
    const receiving = this.#receiving.get(`${userId} ${chunk.id}`);
    if (!receiving?.accepted) return;
    if (!receiving.add(chunk.offset, chunk.payload)) {
      this.#control(userId, { t: 'cancel', id: chunk.id });
      return this.#fail(receiving, 'TRANSFER_CORRUPT', 'bytes out of place');
    }
    this.#progress(receiving, receiving.received);
  }

  async #onEnd(receiving: Receiving, sha256: string): Promise<void> {
    const { userId, offer } = receiving;
    const intact = await receiving.verify(sha256);
    // Cancelled (or the user left) while the last slices were checked.
    if (this.#receiving.get(`${userId} ${offer.id}`) !== receiving) return;
    if (!intact) {
      this.#control(userId, { t: 'corrupt', id: offer.id });
      return this.#fail(receiving, 'TRANSFER_CORRUPT', 'SHA-256 mismatch: discarded');
    }
    this.#control(userId, { t: 'done', id: offer.id });
    this.#relays.get(receiving)?.finish(sha256);
    this.#progress(receiving, offer.size, true);
    this.#endReceiving(receiving);
    const file = receiving.file();
    const url = URL.createObjectURL(file);
    this.#urls.add(url);
    this.#host.emit('file-end', { ...this.#info(receiving), file, url });
  }
}
