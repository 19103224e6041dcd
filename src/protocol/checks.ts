/** Checks of untrusted input that both sides run: records, ids, event names. */
import { LIMITS } from './constants.js';
import { RESERVED_EVENTS } from './events.js';

/**
 * Characters no id may hold: C0 and C1 controls, and the invisible ones that change how the text
 * around them is shown (bidi overrides and isolates, zero-width characters, line and paragraph
 * separators, the byte-order mark). An id is shown to other people and written to logs.
 */
const HIDDEN_CHARACTERS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

/** A user or room id the server accepts: 1-256 characters, no control or invisible characters. */
export function isValidId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= LIMITS.idLength &&
    !HIDDEN_CHARACTERS.test(value)
  );
}

/** A relay or custom event name the server accepts (not one of the protocol's own events). */
export function isValidEventName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= LIMITS.eventNameLength &&
    !HIDDEN_CHARACTERS.test(value) &&
    !RESERVED_EVENTS.has(value)
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
