/**
 * `getStats(peer, callback, interval)` for RTCMultiConnection v3 pages, which load Muaz Khan's
 * getStats.js next to v3 and call it with `connection.peers[userid].peer`:
 *
 * ```js
 * getStats(peer, function (result) {
 *   result.connectionType.remote.candidateType; // ['relay'] means TURN
 *   result.connectionType.transport;            // 'udp'
 *   result.bandwidth.speed;
 *   result.nomore();                            // stop repeating
 * }, 5000);
 * ```
 *
 * This builds the same result shape from the standard `RTCPeerConnection.getStats()` report
 * (`transport`, `candidate-pair`, `local-candidate`, `remote-candidate`, `inbound-rtp`,
 * `outbound-rtp`, `remote-inbound-rtp`, `media-source`, `codec`, `certificate`, `data-channel`).
 * getStats.js read Chrome's legacy callback stats (`googCandidatePair`, `ssrc`, ...), which
 * browsers removed, so on current browsers it reports next to nothing.
 *
 * Units and meanings are documented per field; where getStats.js computed something that no
 * longer exists or made no sense, the field says what it holds instead.
 */

type Kind = 'audio' | 'video';

/** One direction of one kind (`result.audio.send`, `result.video.recv`, ...). */
export interface DirectionStats {
  /** Track ids: the local tracks sent, or the remote tracks received. */
  tracks: string[];
  /** Codec names in use, e.g. `['opus']`, `['VP8']`. */
  codecs: string[];
  /** KiB per second over the last interval (getStats.js: KiB in the last interval). */
  availableBandwidth: number;
  /** RTP streams (SSRCs). */
  streams: number;
  /** Frames per second (video; 0 for audio). */
  framerateMean: number;
  /** kbps over the last interval. */
  bitrateMean: number;
}

export interface MediaStats {
  send: DirectionStats;
  recv: DirectionStats;
  /** Total payload bytes sent for this kind since the connection started. */
  bytesSent: number;
  /** Total payload bytes received for this kind since the connection started. */
  bytesReceived: number;
  /**
   * Round-trip time in ms, as RTCP reports it for what we send (`remote-inbound-rtp`), else the
   * ICE round-trip time. (getStats.js reported the change of Chrome's removed googCurrentDelayMs.)
   */
  latency: number;
  /** Packets of this kind lost on the way to us since the previous result. */
  packetsLost: number;
}

/** One end of the selected candidate pair. Arrays, as getStats.js documents them. */
export interface CandidateSummary {
  /** `['host']`, `['srflx']`, `['prflx']` or `['relay']`. */
  candidateType: string[];
  /** `['udp']` or `['tcp']`. */
  transport: string[];
  /** `['address:port']`; the address may be an mDNS name (`<uuid>.local`) for remote hosts. */
  ipAddress: string[];
  /** Chromium's `networkType` (`wlan`, `ethernet`, ...) where the browser still reports it. */
  networkType: string[];
  /** For a local relay candidate: how we reach the TURN server (`udp`, `tcp`, `tls`). */
  relayProtocol?: string;
}

export interface ConnectionType {
  /** `navigator.connection.type` (Network Information API), or `'unknown'`. */
  systemNetworkType: string;
  /** The local address of the selected pair (`['address:port']`). */
  systemIpAddress: string[];
  local: CandidateSummary;
  remote: CandidateSummary;
  /** Protocol of the selected pair: `'udp'` or `'tcp'` (`''` before ICE selects one). */
  transport: string;
}

export interface BandwidthStats {
  /**
   * Bytes per second sent (audio + video) over the last interval, as getStats.js computes
   * `speed` (its README calls it the download speed; its code measures what is sent).
   */
  speed: number;
  /** Same as `speed`. */
  sentPerSecond: number;
  /** Bytes per second received (audio + video) over the last interval. */
  receivedPerSecond: number;
  /** The congestion controller's estimate of what we can send, in bps (0 when unknown). */
  availableSendBandwidth: number;
  /** Estimate of what we can receive, in bps (0 when the browser does not report it). */
  availableReceiveBandwidth: number;
  /** `navigator.connection.downlink` in Mbps, or 0 (getStats.js: always 0). */
  systemBandwidth: number;
  /** Totals at this result, as getStats.js keeps them. */
  helper: { audioBytesSent: number; videoBytesSent: number };
}

export interface Resolution {
  width: number;
  height: number;
}

/** What each callback receives. */
export interface GetStatsResult {
  /** Fingerprint algorithm of the DTLS certificate, e.g. `'sha-256'`. */
  encryption: string;
  /**
   * Whether this side made the first offer, from the ICE role (the offerer controls); undefined
   * until ICE reports it.
   */
  isOfferer: boolean | undefined;
  /** Present when the connection has data channels: `'open'` if one is, `'close'` once ended. */
  datachannel?: { state: RTCDataChannelState | 'close' };
  audio: MediaStats;
  video: MediaStats;
  bandwidth: BandwidthStats;
  connectionType: ConnectionType;
  /** Frame size of the video sent and received (the largest stream of each), 0 when none. */
  resolutions: { send: Resolution; recv: Resolution };
  /** The browser's own stats objects, for anything not summarized here. */
  results: RTCStats[];
  /**
   * True on the last result, sent when the connection has closed or failed; it repeats the
   * figures of the last result from while the connection was up.
   */
  ended: boolean;
  /** Stops the repeating (the same as the returned handle's `nomore`). */
  nomore(): void;
}

export type GetStatsCallback = (result: GetStatsResult) => void;

/** What `getStats` returns: call `nomore()` to stop. */
export interface StatsLoop {
  nomore(): void;
}

/** Counters carried from one result to the next to compute rates and deltas. */
export interface StatsCounters {
  /** Report timestamp, ms. */
  at: number;
  sent: Record<Kind, number>;
  received: Record<Kind, number>;
  lost: Record<Kind, number>;
}

/** Context the report does not hold. */
export interface SummaryContext {
  systemNetworkType?: string | undefined;
  systemBandwidth?: number | undefined;
}

type Entry = RTCStats & Record<string, unknown>;

const num = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : 0;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const KINDS: readonly Kind[] = ['audio', 'video'];
const round1 = (value: number) => Math.round(value * 10) / 10;

function candidateSummary(candidate: Entry | undefined): CandidateSummary {
  const summary: CandidateSummary = {
    candidateType: [],
    transport: [],
    ipAddress: [],
    networkType: [],
  };
  if (!candidate) return summary;
  const type = str(candidate['candidateType']);
  const protocol = str(candidate['protocol']);
  const address = str(candidate['address']) ?? str(candidate['ip']);
  const network = str(candidate['networkType']);
  const relay = str(candidate['relayProtocol']);
  if (type) summary.candidateType.push(type);
  if (protocol) summary.transport.push(protocol);
  if (address) summary.ipAddress.push(`${address}:${num(candidate['port'])}`);
  if (network) summary.networkType.push(network);
  if (relay) summary.relayProtocol = relay;
  return summary;
}

/**
 * Summarizes one standard stats report into getStats.js' shape. `previous` is what the last call
 * returned as `counters` (rates and deltas are 0 without it). `ended` and `nomore` are left to
 * the caller.
 */
export function summarizeStats(
  report: RTCStatsReport,
  previous?: StatsCounters,
  context: SummaryContext = {},
): { result: Omit<GetStatsResult, 'ended' | 'nomore'>; counters: StatsCounters } {
  const entries = [...(report as unknown as Map<string, Entry>).values()];
  const byId = new Map(entries.map((e) => [e.id, e]));
  const counters: StatsCounters = {
    at: Math.max(0, ...entries.map((e) => num(e.timestamp))),
    sent: { audio: 0, video: 0 },
    received: { audio: 0, video: 0 },
    lost: { audio: 0, video: 0 },
  };
  const seconds = previous ? (counters.at - previous.at) / 1000 : 0;
  const perSecond = (now: number, before: number | undefined) =>
    seconds > 0 && before !== undefined ? Math.max(0, (now - before) / seconds) : 0;

  // The selected candidate pair, and the ICE role, from the transport.
  let pair: Entry | undefined;
  let iceRole: string | undefined;
  let certificateId: string | undefined;
  for (const entry of entries) {
    if (entry.type !== 'transport') continue;
    const selected = byId.get(str(entry['selectedCandidatePairId']) ?? '');
    if (selected && !pair) {
      pair = selected;
      iceRole = str(entry['iceRole']);
      certificateId = str(entry['localCertificateId']);
    }
    iceRole ??= str(entry['iceRole']);
  }
  pair ??= entries.find(
    (e) =>
      e.type === 'candidate-pair' &&
      (e['selected'] === true || (e['nominated'] === true && e['state'] === 'succeeded')),
  );
  const local = byId.get(str(pair?.['localCandidateId']) ?? '');
  const remote = byId.get(str(pair?.['remoteCandidateId']) ?? '');
  const pairRtt = num(pair?.['currentRoundTripTime']) * 1000;

  const codecOf = (entry: Entry) => {
    const mime = str(byId.get(str(entry['codecId']) ?? '')?.['mimeType']);
    return mime?.slice(mime.indexOf('/') + 1);
  };
  const resolutions = { send: { width: 0, height: 0 }, recv: { width: 0, height: 0 } };
  const keepLargest = (into: Resolution, entry: Entry) => {
    const width = num(entry['frameWidth']);
    const height = num(entry['frameHeight']);
    if (width * height > into.width * into.height) Object.assign(into, { width, height });
  };

  const media = {} as Record<Kind, MediaStats>;
  for (const kind of KINDS) {
    const outbound = entries.filter((e) => e.type === 'outbound-rtp' && e['kind'] === kind);
    const inbound = entries.filter((e) => e.type === 'inbound-rtp' && e['kind'] === kind);
    const remoteInbound = entries.find(
      (e) => e.type === 'remote-inbound-rtp' && e['kind'] === kind,
    );
    counters.sent[kind] = outbound.reduce((sum, e) => sum + num(e['bytesSent']), 0);
    counters.received[kind] = inbound.reduce((sum, e) => sum + num(e['bytesReceived']), 0);
    counters.lost[kind] = inbound.reduce((sum, e) => sum + Math.max(0, num(e['packetsLost'])), 0);
    const unique = (values: (string | undefined)[]) => [
      ...new Set(values.filter((v): v is string => !!v)),
    ];
    const direction = (list: Entry[], bytesPerSecond: number, tracks: (string | undefined)[]) => ({
      tracks: unique(tracks),
      codecs: unique(list.map(codecOf)),
      availableBandwidth: round1(bytesPerSecond / 1024),
      streams: list.length,
      framerateMean: Math.max(0, ...list.map((e) => num(e['framesPerSecond']))),
      bitrateMean: round1((bytesPerSecond * 8) / 1000),
    });
    const sendRate = perSecond(counters.sent[kind], previous?.sent[kind]);
    const recvRate = perSecond(counters.received[kind], previous?.received[kind]);
    media[kind] = {
      send: direction(
        outbound,
        sendRate,
        outbound.map((e) => str(byId.get(str(e['mediaSourceId']) ?? '')?.['trackIdentifier'])),
      ),
      recv: direction(
        inbound,
        recvRate,
        inbound.map((e) => str(e['trackIdentifier'])),
      ),
      bytesSent: counters.sent[kind],
      bytesReceived: counters.received[kind],
      latency: Math.round(
        remoteInbound && typeof remoteInbound['roundTripTime'] === 'number'
          ? num(remoteInbound['roundTripTime']) * 1000
          : pairRtt,
      ),
      packetsLost: previous ? Math.max(0, counters.lost[kind] - previous.lost[kind]) : 0,
    };
    if (kind === 'video') {
      for (const e of outbound) keepLargest(resolutions.send, e);
      for (const e of inbound) keepLargest(resolutions.recv, e);
    }
  }

  const sentAll = counters.sent.audio + counters.sent.video;
  const receivedAll = counters.received.audio + counters.received.video;
  const speed = Math.round(
    perSecond(sentAll, previous ? previous.sent.audio + previous.sent.video : undefined),
  );

  const certificate =
    byId.get(certificateId ?? '') ?? entries.find((e) => e.type === 'certificate');
  const channels = entries.filter((e) => e.type === 'data-channel');
  const localSummary = candidateSummary(local);
  const result: Omit<GetStatsResult, 'ended' | 'nomore'> = {
    encryption: str(certificate?.['fingerprintAlgorithm']) ?? 'sha-256',
    isOfferer: iceRole === 'controlling' ? true : iceRole === 'controlled' ? false : undefined,
    audio: media.audio,
    video: media.video,
    bandwidth: {
      speed,
      sentPerSecond: speed,
      receivedPerSecond: Math.round(
        perSecond(
          receivedAll,
          previous ? previous.received.audio + previous.received.video : undefined,
        ),
      ),
      availableSendBandwidth: num(pair?.['availableOutgoingBitrate']),
      availableReceiveBandwidth: num(pair?.['availableIncomingBitrate']),
      systemBandwidth: context.systemBandwidth ?? 0,
      helper: { audioBytesSent: counters.sent.audio, videoBytesSent: counters.sent.video },
    },
    connectionType: {
      systemNetworkType: context.systemNetworkType ?? 'unknown',
      systemIpAddress: localSummary.ipAddress,
      local: localSummary,
      remote: candidateSummary(remote),
      transport: localSummary.transport[0] ?? '',
    },
    resolutions,
    results: entries,
  };
  if (channels.length > 0) {
    const open = channels.some((c) => c['state'] === 'open');
    const state = open ? 'open' : (str(channels.at(-1)?.['state']) ?? 'closed');
    result.datachannel = { state: state as RTCDataChannelState };
  }
  return { result, counters };
}

/** The Network Information API, where the browser has it (Chromium). */
function networkContext(): SummaryContext {
  const connection = (
    globalThis.navigator as
      (Navigator & { connection?: { type?: string; downlink?: number } }) | undefined
  )?.connection;
  return { systemNetworkType: connection?.type, systemBandwidth: connection?.downlink };
}

const isEnded = (peer: RTCPeerConnection) =>
  peer.connectionState === 'closed' ||
  peer.iceConnectionState === 'closed' ||
  peer.iceConnectionState === 'failed';

/**
 * Calls back with the connection's stats, then again every `interval` ms until `nomore()` (on the
 * handle or on any result) or until the connection closes or fails (that last result has
 * `ended: true`). Without an interval it calls back once. Each result is a fresh object.
 *
 * Like getStats.js, a `MediaStreamTrack` may come second (`getStats(peer, track, callback,
 * interval)`): the report is then limited to that track (`RTCPeerConnection.getStats(track)`).
 * getStats.js stopped on `disconnected` too; this keeps going, since ICE often recovers.
 */
export function getStats(
  peer: RTCPeerConnection,
  callback: GetStatsCallback,
  interval?: number,
): StatsLoop;
export function getStats(
  peer: RTCPeerConnection,
  track: MediaStreamTrack,
  callback: GetStatsCallback,
  interval?: number,
): StatsLoop;
export function getStats(
  peer: RTCPeerConnection,
  second: GetStatsCallback | MediaStreamTrack,
  third?: GetStatsCallback | number,
  fourth?: number,
): StatsLoop {
  if (
    typeof peer !== 'object' ||
    typeof (peer as Partial<RTCPeerConnection>).getStats !== 'function'
  )
    throw new TypeError('getStats: the first argument must be an RTCPeerConnection');
  const track = typeof second === 'function' ? null : second;
  const callback = typeof second === 'function' ? second : third;
  const interval = typeof second === 'function' ? third : fourth;
  if (typeof callback !== 'function') throw new TypeError('getStats: a callback is required');
  const every = typeof interval === 'number' && interval > 0 ? interval : 0;

  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last: ReturnType<typeof summarizeStats> | undefined;
  const nomore = () => {
    stopped = true;
    clearTimeout(timer);
  };

  const tick = async () => {
    timer = undefined;
    let report: RTCStatsReport | undefined;
    try {
      report = await peer.getStats(track);
    } catch {
      // A closed connection may refuse: that ends the loop.
    }
    if (stopped) return;
    const ended = !report || isEnded(peer);
    // A closed connection reports little or nothing: the ended result repeats the last figures
    // from while it was up.
    const live =
      report && !ended ? summarizeStats(report, last?.counters, networkContext()) : undefined;
    if (live) last = live;
    const empty = new Map() as unknown as RTCStatsReport;
    const summary = live ?? last ?? summarizeStats(report ?? empty, undefined, networkContext());
    const result: GetStatsResult = { ...summary.result, ended, nomore };
    if (ended) {
      if (result.datachannel) result.datachannel = { state: 'close' };
      stopped = true;
    }
    try {
      callback(result);
    } finally {
      if (!stopped && every > 0) timer = setTimeout(() => void tick(), every);
    }
  };
  void tick();
  return { nomore };
}

/** One result, as a promise (not in getStats.js). */
export function getStatsOnce(
  peer: RTCPeerConnection,
  track?: MediaStreamTrack,
): Promise<GetStatsResult> {
  return new Promise((resolve) => {
    if (track) getStats(peer, track, resolve);
    else getStats(peer, resolve);
  });
}
