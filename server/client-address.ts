import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/**
 * Which peers are reverse proxies whose `X-Forwarded-For` the server believes (`TRUST_PROXY`):
 * addresses, CIDR ranges and the names `loopback`, `linklocal`, `uniquelocal` (as Express's
 * `trust proxy` takes them), or a number of proxy hops in front of the server. Unset: nobody; the
 * client address is the TCP peer's. Never trust a header a client can write itself: only list
 * the proxies you run.
 */
export type TrustProxy = string[] | number | undefined;

/** The address limits are counted against. */
export type AddressOf = (req: IncomingMessage) => string;

/** Parses `TRUST_PROXY` (comma-separated list, or a whole number of hops); throws when invalid. */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = (value ?? '').trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops < 1 || hops > 10) throw new Error(`TRUST_PROXY hops must be 1-10, got "${text}"`);
    return hops;
  }
  const list = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  try {
    proxyaddr.compile(list);
  } catch (error) {
    throw new Error(`TRUST_PROXY: ${(error as Error).message}`, { cause: error });
  }
  return list;
}

/**
 * How to find a request's client address: the TCP peer's, or, when that peer is a trusted proxy,
 * the nearest untrusted address in `X-Forwarded-For`.
 */
export function addressOf(trust: TrustProxy): AddressOf {
  if (trust === undefined) return (req) => req.socket.remoteAddress ?? '';
  const trusted =
    typeof trust === 'number'
      ? (_addr: string, hop: number) => hop < trust
      : proxyaddr.compile(trust);
  return (req) => {
    try {
      return proxyaddr(req, trusted);
    } catch {
      return req.socket.remoteAddress ?? '';
    }
  };
}
