/**
 * The SFU settings (env variables, also config.json keys): `JANUS_URL` (the Janus WebSocket API,
 * `ws://` or `wss://`; several URLs separated by spaces for several instances),
 * `JANUS_API_SECRET` (Janus's `api_secret`, when it sets one), `JANUS_ADMIN_KEY` (the VideoRoom
 * plugin's `admin_key`, when it sets one: only holders may create rooms) and `SFU_THRESHOLD` (a
 * room of `topology="auto"` uses the SFU past this many people; default 4).
 */
export interface SfuConfig {
  janusUrls: string[];
  apiSecret: string | undefined;
  adminKey: string | undefined;
  threshold: number;
}

export const SFU_KEYS = [
  'JANUS_URL',
  'JANUS_API_SECRET',
  'JANUS_ADMIN_KEY',
  'SFU_THRESHOLD',
] as const;

/** The SFU settings, or undefined when `JANUS_URL` is unset (no SFU: every room is a mesh). */
export function sfuFromEnv(env: NodeJS.ProcessEnv): SfuConfig | undefined {
  const threshold = parseThreshold(env['SFU_THRESHOLD']);
  const list = (env['JANUS_URL'] ?? '').split(/\s+/).filter(Boolean);
  if (list.length === 0) {
    for (const key of ['JANUS_API_SECRET', 'JANUS_ADMIN_KEY'] as const) {
      if (env[key]) throw new Error(`${key} is set but JANUS_URL is not`);
    }
    return undefined;
  }
  const janusUrls = list.map((value) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new Error(`JANUS_URL must list URLs like ws://127.0.0.1:8188, got "${value}"`);
    }
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
      throw new Error(`JANUS_URL must use ws:// or wss://, got "${value}"`);
    return value;
  });
  if (new Set(janusUrls).size !== janusUrls.length)
    throw new Error('JANUS_URL lists the same URL twice');
  return {
    janusUrls,
    apiSecret: env['JANUS_API_SECRET'] || undefined,
    adminKey: env['JANUS_ADMIN_KEY'] || undefined,
    threshold,
  };
}

function parseThreshold(value: string | undefined): number {
  if (value === undefined || value === '') return 4;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new Error(`SFU_THRESHOLD must be a whole number 1-1000, got "${value}"`);
  return n;
}
