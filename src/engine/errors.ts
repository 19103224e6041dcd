/** One file to or from one user (shared by file events and file errors). */
export interface FileTransferInfo {
  fileId: string;
  name: string;
  size: number;
  userId: string;
  direction: 'send' | 'receive';
  /** A relay of a scalable broadcast forwarding the file to a viewer below it. */
  relayed?: true;
}

/** Stable error codes. Apps switch on these; messages are for people. */
export const ErrorCode = {
  /** The signaling server could not be reached (or the connection was refused). */
  SIGNALING_UNREACHABLE: 'SIGNALING_UNREACHABLE',
  /** The signaling connection dropped. */
  SIGNALING_LOST: 'SIGNALING_LOST',
  /** The server did not answer a request in time. */
  SIGNALING_TIMEOUT: 'SIGNALING_TIMEOUT',
  /** The room to join does not exist. */
  ROOM_NOT_FOUND: 'ROOM_NOT_FOUND',
  /** The room to open already exists. */
  ROOM_EXISTS: 'ROOM_EXISTS',
  ROOM_FULL: 'ROOM_FULL',
  INVALID_PASSWORD: 'INVALID_PASSWORD',
  /** Only the room's owner may do that. */
  NOT_OWNER: 'NOT_OWNER',
  /** The owner refused the join (or did not answer in time). */
  JOIN_REJECTED: 'JOIN_REJECTED',
  /** The server requires a room token and yours is missing, expired or not for this room/role. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** Too many wrong passwords: the server refuses tries for a while. */
  TOO_MANY_ATTEMPTS: 'TOO_MANY_ATTEMPTS',
  /** The user id is used by another connection. */
  USERID_TAKEN: 'USERID_TAKEN',
  /** A request is malformed: refused by the engine before sending, or by the server. */
  INVALID_REQUEST: 'INVALID_REQUEST',
  /** The server refused the request for now (too many requests, or too busy): try again later. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A method was called with bad arguments or at the wrong time. */
  INVALID_STATE: 'INVALID_STATE',
  /** Camera/microphone/screen permission denied. */
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  /** No device matches the requested media. */
  DEVICE_NOT_FOUND: 'DEVICE_NOT_FOUND',
  /** The device exists but cannot be opened (in use, hardware error). */
  DEVICE_BUSY: 'DEVICE_BUSY',
  /** Any other capture failure. */
  MEDIA_ERROR: 'MEDIA_ERROR',
  /** The peer connection to a user failed. */
  PEER_FAILED: 'PEER_FAILED',
  /** No connected user has that id. */
  PEER_NOT_FOUND: 'PEER_NOT_FOUND',
  /** A peer sent a data-channel message that could not be read. */
  INVALID_MESSAGE: 'INVALID_MESSAGE',
  /** A message could not be delivered over the data channel. */
  SEND_FAILED: 'SEND_FAILED',
  /** The operation was cancelled because the room was left. */
  ABORTED: 'ABORTED',
  /** WebRTC is not available in this environment. */
  UNSUPPORTED: 'UNSUPPORTED',
  /** A received file's SHA-256 did not match the sender's: the download was discarded. */
  TRANSFER_CORRUPT: 'TRANSFER_CORRUPT',
  /** The receiver declined the file. */
  FILE_REJECTED: 'FILE_REJECTED',
  /** The file is larger than the receiver (or the sending element) allows. */
  FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  /** A file transfer failed (the user left, the file could not be read, ...). */
  TRANSFER_FAILED: 'TRANSFER_FAILED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The one error type the engine and the elements reject with and report. */
export class RtcError extends Error {
  override readonly name = 'RtcError';
  readonly code: ErrorCode;
  /** For file-transfer errors: which transfer (`{fileId, name, size, userId, direction}`). */
  readonly transfer: FileTransferInfo | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; transfer?: FileTransferInfo },
  ) {
    super(message, options);
    this.code = code;
    this.transfer = options?.transfer;
  }

  /** Wraps any thrown value; RtcErrors pass through unchanged. */
  static from(error: unknown, fallback: ErrorCode, message?: string): RtcError {
    if (error instanceof RtcError) return error;
    const text = message ?? (error instanceof Error ? error.message : String(error));
    return new RtcError(fallback, text, { cause: error });
  }
}
