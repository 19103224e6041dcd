/**
 * ICE servers as the browser will take them. `new RTCPeerConnection()` throws on the whole
 * configuration when one URL is one the browser refuses (Chromium: a `stun:` URL with a query,
 * such as `stun:stun.l.google.com:19302?transport=udp`, which every RTCMultiConnection demo
 * names; a `turn:` URL without credentials; an entry with no `urls`). A bad configuration value
 * must degrade, not break the call: the refused URLs are dropped and reported once, the rest is
 * used. What counts as refused is the browser's own judgement (each URL is tried alone in a
 * throwaway RTCPeerConnection, only when the whole list was refused).
 */

export interface UsableIceServers {
  /** The entries and URLs the browser accepts. */
  servers: RTCIceServer[];
  /** The URLs (or entries, as JSON) that were dropped. */
  rejected: string[];
  /** True for the first check of this list (per list object and content) that dropped anything. */
  report: boolean;
}

const checked = new WeakMap<object, { key: string; result: UsableIceServers }>();

function accepted(iceServers: RTCIceServer[]): boolean {
  try {
    new RTCPeerConnection({ iceServers }).close();
    return true;
  } catch {
    return false;
  }
}

function describe(entry: unknown): string {
  try {
    return entry === undefined ? 'undefined' : JSON.stringify(entry);
  } catch {
    return String(entry);
  }
}

function sanitize(list: readonly unknown[]): Omit<UsableIceServers, 'report'> {
  if (accepted(list as RTCIceServer[])) return { servers: list as RTCIceServer[], rejected: [] };
  const servers: RTCIceServer[] = [];
  const rejected: string[] = [];
  for (const entry of list) {
    const urls = (entry as { urls?: unknown } | null)?.urls;
    const candidates = typeof urls === 'string' ? [urls] : Array.isArray(urls) ? urls : undefined;
    if (!candidates || candidates.some((url) => typeof url !== 'string')) {
      rejected.push(describe(entry));
      continue;
    }
    const server = entry as RTCIceServer;
    const kept = (candidates as string[]).filter((url) => {
      const ok = accepted([{ ...server, urls: url }]);
      if (!ok) rejected.push(url);
      return ok;
    });
    if (kept.length > 0) servers.push({ ...server, urls: typeof urls === 'string' ? urls : kept });
  }
  return { servers, rejected };
}

/** The usable part of an ICE server list (checked once per list and content). */
export function usableIceServers(given: readonly RTCIceServer[] | undefined): UsableIceServers {
  // Values come from pages and attributes: anything may arrive.
  const list = given as unknown;
  if (list === undefined || list === null) return { servers: [], rejected: [], report: false };
  if (!Array.isArray(list)) return { servers: [], rejected: [describe(list)], report: true };
  return usableList(list);
}

function usableList(list: readonly unknown[]): UsableIceServers {
  if (list.length === 0) return { servers: [], rejected: [], report: false };
  const key = describe(list);
  const known = checked.get(list);
  if (known?.key === key) return { ...known.result, report: false };
  const result = { ...sanitize(list), report: false };
  checked.set(list, { key, result });
  return { ...result, report: result.rejected.length > 0 };
}
