import { z } from 'zod';
import { LIMITS, RESERVED_EVENTS } from '../src/engine/signaling/protocol.js';

// Control characters are never valid in ids: they end up in logs and in other users' pages.
// eslint-disable-next-line no-control-regex
const printable = /^[^\u0000-\u001f\u007f]+$/;

export const idSchema = z.string().min(1).max(LIMITS.idLength).regex(printable);

/** A plain JSON object whose serialised size stays under a bound. */
export const jsonObject = (maxBytes: number) =>
  z
    .record(z.string(), z.unknown())
    .refine((value) => jsonSize(value) <= maxBytes, { message: `larger than ${maxBytes} bytes` });

export const extraSchema = jsonObject(LIMITS.extraBytes);

const flag = z.union([z.boolean(), z.literal('two-way')]).optional();
export const sessionSchema = z
  .object({
    audio: flag,
    video: flag,
    screen: flag,
    data: z.boolean().optional(),
    oneway: z.boolean().optional(),
    broadcast: z.boolean().optional(),
  })
  .catchall(z.unknown())
  .transform(({ audio, video, screen, data, oneway, broadcast }) =>
    Object.fromEntries(
      Object.entries({ audio, video, screen, data, oneway, broadcast }).filter(
        ([, v]) => v !== undefined && v !== false,
      ),
    ),
  );

/** `open-room` / `join-room`. Fields the server does not use (constraints, streams) are dropped. */
export const roomRequestSchema = z.object({
  sessionid: idSchema,
  session: sessionSchema.optional(),
  extra: extraSchema.optional(),
  identifier: z.string().max(LIMITS.idLength).optional(),
  password: z.string().max(LIMITS.passwordLength).optional(),
  approveJoins: z.boolean().optional(),
  relayLimit: z.number().int().min(1).max(100).optional(),
});
export type ValidRoomRequest = z.infer<typeof roomRequestSchema>;

/** The relay envelope; `sender` is ignored (the server sets it). */
export const envelopeSchema = z.object({
  remoteUserId: idSchema,
  message: z.union([z.record(z.string(), z.unknown()), z.string().max(LIMITS.relayBytes)]),
});

export const eventNameSchema = z
  .string()
  .min(1)
  .max(LIMITS.eventNameLength)
  .regex(printable)
  .refine((name) => !RESERVED_EVENTS.has(name), { message: 'reserved event name' });

export function jsonSize(value: unknown): number {
  try {
    const text = JSON.stringify(value) as string | undefined;
    return Buffer.byteLength(text ?? '', 'utf8');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** Parses the handshake `extra` (JSON text); anything invalid becomes `{}`. */
export function parseExtra(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'string' || raw.length > LIMITS.extraBytes) return {};
  try {
    const parsed = extraSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}
