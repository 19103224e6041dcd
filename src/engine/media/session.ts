import type { Session } from '../../protocol/index.js';

/** Session tokens accepted by the `session` attribute. */
export const SESSION_TOKENS = ['audio', 'video', 'screen', 'data', 'oneway', 'broadcast'] as const;
export type SessionToken = (typeof SESSION_TOKENS)[number];

/** The default session: a two-way audio and video call. */
export const DEFAULT_SESSION: Readonly<Session> = { audio: true, video: true };

/**
 * Parses a session: a space-separated token list (`"audio video data"`, `"audio:two-way screen
 * oneway"`) or an RTCMultiConnection session object. Unknown tokens throw a TypeError.
 */
export function parseSession(input: string | Session | undefined | null): Session {
  if (input === undefined || input === null || input === '') return { ...DEFAULT_SESSION };
  if (typeof input !== 'string') return normalise(input);
  const session: Session = {};
  for (const raw of input.trim().split(/\s+/)) {
    const [token, mode] = raw.toLowerCase().split(':') as [string, string | undefined];
    if (!(SESSION_TOKENS as readonly string[]).includes(token)) {
      throw new TypeError(`Unknown session token "${raw}" (use ${SESSION_TOKENS.join(', ')})`);
    }
    if (
      mode !== undefined &&
      (mode !== 'two-way' || !['audio', 'video', 'screen'].includes(token))
    ) {
      throw new TypeError(
        `Unknown session token "${raw}" (only audio, video, screen take :two-way)`,
      );
    }
    (session as Record<string, unknown>)[token] = mode ?? true;
  }
  return session;
}

function normalise(session: Session): Session {
  const out: Session = {};
  for (const key of SESSION_TOKENS) {
    const value = (session as Record<string, unknown>)[key];
    if (value === 'two-way' && (key === 'audio' || key === 'video' || key === 'screen'))
      out[key] = 'two-way';
    else if (value) (out as Record<string, unknown>)[key] = true;
  }
  return out;
}

/** Serialises a session back to its token form. */
export function sessionToString(session: Session): string {
  return SESSION_TOKENS.filter((t) => session[t])
    .map((t) => (session[t] === 'two-way' ? `${t}:two-way` : t))
    .join(' ');
}

/** True when the session carries no audio, video or screen. */
export function isDataOnly(session: Session): boolean {
  return !session.audio && !session.video && !session.screen;
}

/** True for one-way sessions (`oneway` or `broadcast`): only the opener sends media. */
export function isOneWay(session: Session): boolean {
  return !!session.oneway || !!session.broadcast;
}

/**
 * What a page captures in this session. The opener of a one-way session sends everything;
 * a viewer sends only the kinds marked `two-way`.
 */
export function kindsToCapture(
  session: Session,
  role: 'owner' | 'participant',
): { audio: boolean; video: boolean; screen: boolean } {
  const sends = (value: Session['audio']) =>
    !!value && (!isOneWay(session) || role === 'owner' || value === 'two-way');
  return {
    audio: sends(session.audio),
    video: sends(session.video),
    screen: sends(session.screen),
  };
}
