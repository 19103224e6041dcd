import { z } from 'zod';
import { isValidEventName, isValidId, LIMITS } from '../src/protocol/index.js';
import { checkJson } from '../src/engine/signaling/json-check.js';

// Ids and event names as the protocol defines them (no control or invisible characters: they end
// up in logs and in other users' pages).
export const idSchema = z.string().refine(isValidId, { message: 'not a valid id' });

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
  .refine(isValidEventName, { message: 'not a valid or a reserved event name' });

export function jsonSize(value: unknown): number {
  try {
    const text = JSON.stringify(value) as string | undefined;
    return Buffer.byteLength(text ?? '', 'utf8');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** Parses the handshake `extra` (JSON text); anything invalid (too deep too) becomes `{}`. */
export function parseExtra(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'string' || raw.length > LIMITS.extraBytes) return {};
  try {
    const value: unknown = JSON.parse(raw);
    if (!checkJson(value, { maxDepth: LIMITS.jsonDepth, maxBytes: LIMITS.extraBytes * 3 }).ok)
      return {};
    const parsed = extraSchema.safeParse(value);
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}
