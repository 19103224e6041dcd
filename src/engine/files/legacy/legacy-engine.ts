import type { ErrorCode, FileTransferInfo } from '../../errors.js';
import type { FileHost } from '../file-engine.js';
import type { OfferAnswer } from '../file-transfers.js';
import { pack, unpack, type Packable } from './binarize.js';
import { ack, chunkMissing, readRecord, type Announced } from './records.js';
import { LegacyReceiving } from './receiving.js';
import { chunkSizeOf, LegacySending } from './sending.js';

/**
 * What the legacy format reports through and sends with: the room's `FileTransfers` (this module
 * is a file of its own in the element bundle: errors are the bundle's `RtcError`s).
 */
export interface LegacyHost extends FileHost {
  /** Sends a packed message on the user's `sctp` channel (the one v3 uses for everything). */
  send(userId: string, data: ArrayBuffer): Promise<void>;
  /** This page's user id (the records' `userid`). */
  userId(): string;
}

/** Files an RTCMultiConnection page may have started toward us and not finished. */
const MAX_INCOMING = 16;

/**
 * Every transfer with RTCMultiConnection 3.x pages, in their own format (docs/protocol.md §10.2;
 * ./records.ts): files to them as FileBufferReader's records, one per ack; files from them taken
 * record by record, each acked. Loaded the first time such a page sends us a record or we send
 * it a file (see `FileTransfers`). Progress comes per record, with v3's positions.
 */
export class LegacyFiles {
  readonly #host: LegacyHost;
  /** `${userId} ${uuid}` → the file going to that user. */
  readonly #sending = new Map<string, LegacySending>();
  /** `${userId} ${uuid}` → the file coming from that user. */
  readonly #receiving = new Map<string, LegacyReceiving>();
  readonly #urls = new Set<string>();

  constructor(host: LegacyHost) {
    this.#host = host;
  }

  /** Sends a file to these (v3) users under that id, chunks of `chunkSize` bytes (v3's 40,000). */
  send(blob: Blob, userIds: readonly string[], id: string, chunkSize?: number): void {
    const file = blob as Partial<File>;
    const name = typeof file.name === 'string' && file.name ? file.name : 'file';
    const modified = new Date(
      typeof file.lastModified === 'number' ? file.lastModified : Date.now(),
    );
    for (const remoteUserId of userIds) {
      const sending = new LegacySending(
        blob,
        {
          uuid: id,
          size: blob.size,
          name,
          type: blob.type,
          lastModifiedDate: modified.toString(),
          userid: this.#host.userId(),
          remoteUserId,
        },
        chunkSizeOf(chunkSize),
      );
      this.#sending.set(`${remoteUserId} ${id}`, sending);
      this.#host.emit('file-start', { ...this.#info(sending), legacy: this.#at(sending, 0) });
      this.#post(remoteUserId, sending.start(), sending);
    }
  }

  /** A binary message from a v3 user's `sctp` channel. */
  receive(userId: string, data: ArrayBuffer): void {
    let message;
    try {
      message = readRecord(unpack(data));
    } catch {
      return;
    }
    if (!message) return;
    const key = `${userId} ${message.uuid}`;
    switch (message.kind) {
      case 'ack':
        return this.#onAck(userId, key, message.uuid, message.position);
      case 'start':
        return this.#onStart(userId, key, message);
      case 'missing': {
        // The sender no longer has the file (FileBufferReader's answer to an ack it cannot serve).
        const receiving = this.#receiving.get(key);
        if (!receiving) return;
        this.#receiving.delete(key);
        return this.#host.emit('file-cancel', { ...this.#info(receiving), by: 'remote' });
      }
      case 'chunk': {
        const receiving = this.#receiving.get(key);
        if (!receiving?.accepted) return;
        if (!receiving.add(message.position, message.buffer))
          return this.#fail(receiving, 'TRANSFER_CORRUPT', 'a chunk out of place');
        this.#post(userId, ack(message.uuid, message.position));
        return this.#host.emit('file-progress', {
          ...this.#info(receiving),
          bytes: receiving.received,
          legacy: this.#at(receiving, message.position),
        });
      }
      case 'end': {
        const receiving = this.#receiving.get(key);
        if (!receiving?.accepted) return;
        if (!receiving.complete(message.position))
          return this.#fail(receiving, 'TRANSFER_CORRUPT', 'ended before all its bytes came');
        this.#receiving.delete(key);
        const file = receiving.result();
        const url = URL.createObjectURL(file);
        this.#urls.add(url);
        return this.#host.emit('file-end', {
          ...this.#info(receiving),
          file,
          url,
          legacy: this.#at(receiving, message.position),
        });
      }
    }
  }

  /** Cancels a file (to or from everyone, or one user). A v3 sender cannot be told: it waits. */
  cancel(fileId: string, userId?: string): void {
    for (const [key, sending] of this.#sending) {
      if (sending.fields.uuid !== fileId || (userId !== undefined && sending.userId !== userId))
        continue;
      this.#sending.delete(key);
      sending.live = false;
      // The receiver forgets what it holds, as when a v3 sender lost the file.
      this.#post(sending.userId, chunkMissing(fileId, sending.awaiting + 1));
      this.#host.emit('file-cancel', { ...this.#info(sending), by: 'local' });
    }
    for (const [key, receiving] of this.#receiving) {
      if (receiving.file.uuid !== fileId || (userId !== undefined && receiving.userId !== userId))
        continue;
      this.#receiving.delete(key);
      this.#host.emit('file-cancel', { ...this.#info(receiving), by: 'local' });
    }
  }

  /** The user left the room: its transfers fail. */
  peerGone(userId: string): void {
    const gone = [...this.#sending.values(), ...this.#receiving.values()].filter(
      (t) => t.userId === userId,
    );
    for (const t of gone) this.#fail(t, 'TRANSFER_FAILED', `${userId} left the room`);
  }

  /** Leaving the room: everything stops, object URLs are revoked. */
  dispose(): void {
    for (const sending of this.#sending.values()) sending.live = false;
    this.#sending.clear();
    this.#receiving.clear();
    for (const url of this.#urls) URL.revokeObjectURL(url);
    this.#urls.clear();
  }

  #onAck(userId: string, key: string, uuid: string, position: number): void {
    const sending = this.#sending.get(key);
    // Not (or no longer) ours to send: say so, as FileBufferReader does.
    if (!sending) return this.#post(userId, chunkMissing(uuid, position + 1));
    // A repeated ack (v3 acks again when it thinks a record went missing): already answered.
    if (position !== sending.awaiting) return;
    // v3 reports every record it sends, the start record too: once taken, that is progress.
    if (position === 0)
      this.#host.emit('file-progress', {
        ...this.#info(sending),
        bytes: 0,
        legacy: this.#at(sending, 0),
      });
    void sending.next().then(
      (record) => {
        if (!sending.live) return;
        this.#post(userId, record, sending);
        const { maxChunks, size } = sending.fields;
        if (sending.awaiting <= maxChunks) {
          this.#host.emit('file-progress', {
            ...this.#info(sending),
            bytes: sending.bytesThrough(sending.awaiting),
            legacy: this.#at(sending, sending.awaiting),
          });
          return;
        }
        // The end record is out: v3 has no answer to it, so the transfer ends here.
        this.#sending.delete(key);
        sending.live = false;
        const end = this.#at(sending, maxChunks + 1);
        this.#host.emit('file-progress', { ...this.#info(sending), bytes: size, legacy: end });
        this.#host.emit('file-end', { ...this.#info(sending), legacy: end });
      },
      (error: unknown) => {
        if (!sending.live) return;
        this.#post(userId, chunkMissing(uuid, sending.awaiting));
        this.#fail(
          sending,
          'TRANSFER_FAILED',
          error instanceof Error ? error.message : String(error),
        );
      },
    );
  }

  #onStart(userId: string, key: string, announced: Announced): void {
    if (this.#receiving.has(key)) return;
    let open = 0;
    for (const r of this.#receiving.values()) if (r.userId === userId) open++;
    if (open >= MAX_INCOMING) return;
    const receiving = new LegacyReceiving(announced, userId);
    this.#receiving.set(key, receiving);
    // A v3 sender does not ask: it waits for the ack of its start record, which is our consent.
    const answers: Promise<OfferAnswer>[] = [];
    this.#host.emit('file-offer', {
      ...this.#info(receiving),
      mime: announced.type,
      respondWith: (answer) => void answers.push(Promise.resolve(answer)),
    });
    const decide = (yes: boolean) => {
      if (this.#receiving.get(key) !== receiving) return;
      // Declined: never acked. v3 has no way to hear it; its page waits at 0%.
      if (!yes) return void this.#receiving.delete(key);
      receiving.accepted = true;
      this.#host.emit('file-start', { ...this.#info(receiving), legacy: this.#at(receiving, 0) });
      this.#post(userId, ack(announced.uuid, 0));
    };
    void Promise.all(answers).then(
      (verdicts) => decide(verdicts.every((v) => v === true)),
      () => decide(false),
    );
  }

  /** Sends a message; a failure ends the transfer it belongs to. */
  #post(userId: string, message: Packable, sending?: LegacySending): void {
    this.#host.send(userId, pack(message)).catch((error: unknown) => {
      if (!sending?.live) return;
      this.#sending.delete(`${userId} ${sending.fields.uuid}`);
      this.#fail(
        sending,
        'TRANSFER_FAILED',
        error instanceof Error ? error.message : String(error),
      );
    });
  }

  #fail(t: LegacySending | LegacyReceiving, code: ErrorCode, message: string): void {
    const info = this.#info(t);
    if (t instanceof LegacySending) {
      t.live = false;
      this.#sending.delete(`${t.userId} ${info.fileId}`);
    } else this.#receiving.delete(`${t.userId} ${info.fileId}`);
    this.#host.emit('error', this.#host.error(code, `${info.name}: ${message}`, info));
  }

  #info(t: LegacySending | LegacyReceiving): FileTransferInfo {
    const { uuid, name, size } = t instanceof LegacySending ? t.fields : t.file;
    const direction = t instanceof LegacySending ? 'send' : 'receive';
    return { fileId: uuid, name, size, userId: t.userId, direction };
  }

  #at(t: LegacySending | LegacyReceiving, currentPosition: number) {
    const { maxChunks } = t instanceof LegacySending ? t.fields : t.file;
    return { currentPosition, maxChunks };
  }
}
