import type { FileTransferInfo } from '../../engine/index.js';

export type TransferState = 'offered' | 'waiting' | 'active' | 'done' | 'cancelled' | 'failed';

/** What `<rtc-file-share>` shows for one file to or from one user. */
export interface Transfer extends FileTransferInfo {
  key: string;
  state: TransferState;
  bytes: number;
  /** Bytes per second, smoothed. */
  speed: number;
  url?: string;
  reason?: string;
  /** Settles an offer waiting for the user (ask-before-receive). */
  answer?: (accept: boolean) => void;
  lastAt: number;
  lastBytes: number;
}

export const transferKey = (t: FileTransferInfo) => `${t.direction} ${t.userId} ${t.fileId}`;

export function newTransfer(info: FileTransferInfo, state: TransferState): Transfer {
  const { fileId, name, size, userId, direction } = info;
  return {
    fileId,
    name,
    size,
    userId,
    direction,
    key: transferKey(info),
    state,
    bytes: 0,
    speed: 0,
    lastAt: Date.now(),
    lastBytes: 0,
  };
}

/** A progress update: bytes, and the speed as an exponential moving average. */
export function progressed(t: Transfer, bytes: number): Transfer {
  const now = Date.now();
  const seconds = (now - t.lastAt) / 1000;
  const instant = seconds > 0 ? (bytes - t.lastBytes) / seconds : t.speed;
  const speed = t.speed === 0 ? instant : t.speed * 0.7 + instant * 0.3;
  return { ...t, state: 'active', bytes, speed, lastAt: now, lastBytes: bytes };
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 KB" (decimal steps of 1024, as file managers show). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

/** Seconds → "42 s left" / "3 min left"; empty when unknown. */
export function formatEta(t: Transfer): string {
  if (t.state !== 'active' || t.speed <= 0) return '';
  const seconds = Math.ceil((t.size - t.bytes) / t.speed);
  return seconds < 60 ? `${seconds} s left` : `${Math.ceil(seconds / 60)} min left`;
}

export function percent(t: Transfer): number {
  if (t.state === 'done') return 100;
  return t.size === 0 ? 0 : Math.floor((t.bytes / t.size) * 100);
}

/**
 * Whether a file matches an `accept` list (as `<input type=file accept>`): extensions (`.pdf`),
 * MIME types (`image/png`) and wildcards (`image/*`), comma-separated. Empty accepts everything.
 */
export function accepts(accept: string, file: { name: string; type: string }): boolean {
  const tokens = accept
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  if (tokens.length === 0) return true;
  const name = file.name.toLowerCase();
  const type = file.type.toLowerCase();
  return tokens.some((token) =>
    token.startsWith('.')
      ? name.endsWith(token)
      : token.endsWith('/*')
        ? type.startsWith(token.slice(0, -1))
        : type === token,
  );
}
