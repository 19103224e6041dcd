/** A plain summary of one peer connection, from `RTCPeerConnection.getStats()`. */
export interface PeerStats {
  /** Type of the local candidate in use: `host`, `srflx`, `prflx` or `relay`. */
  candidateType: string | undefined;
  /** Current round-trip time of the selected candidate pair, in ms. */
  rttMs: number | undefined;
  /**
   * Bitrates in kbps, averaged since a sample at least one second old (the first call: since the
   * connection started, or 0 when the connection has no earlier sample).
   */
  inboundKbps: number;
  outboundKbps: number;
  outboundVideoKbps: number;
  /** Packets lost / expected on what we receive, in percent. */
  packetLossPercent: number;
  /** The video we receive. */
  inbound: FrameStats;
  /** The video we send. */
  outbound: FrameStats;
  /** Codecs in use for what we send, e.g. `video/VP9`, `audio/opus`. */
  videoCodec: string | undefined;
  audioCodec: string | undefined;
}

export interface FrameStats {
  frameWidth: number | undefined;
  frameHeight: number | undefined;
  framesPerSecond: number | undefined;
}

/** Counters kept between two calls to compute rates. */
export interface StatsSample {
  at: number;
  bytesIn: number;
  bytesOut: number;
  videoBytesOut: number;
}

type Entry = Record<string, unknown> & { type: string; id: string };
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

export function summarizeStats(
  report: RTCStatsReport,
  previous: StatsSample | undefined,
): { stats: PeerStats; sample: StatsSample } {
  const entries = [...(report as unknown as Map<string, Entry>).values()];
  const byId = new Map(entries.map((e) => [e.id, e]));
  const sample: StatsSample = { at: 0, bytesIn: 0, bytesOut: 0, videoBytesOut: 0 };
  let lost = 0;
  let received = 0;
  const inbound: FrameStats = {
    frameWidth: undefined,
    frameHeight: undefined,
    framesPerSecond: undefined,
  };
  const outbound: FrameStats = { ...inbound };
  const codecs: Record<string, string | undefined> = {};
  let pair: Entry | undefined;
  for (const entry of entries) {
    sample.at = Math.max(sample.at, num(entry['timestamp']) ?? 0);
    if (entry.type === 'inbound-rtp') {
      sample.bytesIn += num(entry['bytesReceived']) ?? 0;
      lost += Math.max(0, num(entry['packetsLost']) ?? 0);
      received += num(entry['packetsReceived']) ?? 0;
      if (entry['kind'] === 'video') copyFrames(entry, inbound);
    } else if (entry.type === 'outbound-rtp') {
      const bytes = num(entry['bytesSent']) ?? 0;
      sample.bytesOut += bytes;
      const kind = entry['kind'] as string;
      if (kind === 'video') {
        sample.videoBytesOut += bytes;
        copyFrames(entry, outbound);
      }
      const codec = byId.get(entry['codecId'] as string);
      if (codec) codecs[kind] = codec['mimeType'] as string;
    } else if (entry.type === 'transport' && typeof entry['selectedCandidatePairId'] === 'string') {
      pair = byId.get(entry['selectedCandidatePairId']);
    }
  }
  pair ??= entries.find(
    (e) => e.type === 'candidate-pair' && e['nominated'] === true && e['state'] === 'succeeded',
  );
  const local = pair ? byId.get(pair['localCandidateId'] as string) : undefined;
  const seconds = previous ? (sample.at - previous.at) / 1000 : 0;
  const kbps = (now: number, before: number | undefined) =>
    seconds > 0 && before !== undefined ? Math.max(0, ((now - before) * 8) / 1000 / seconds) : 0;
  const rtt = num(pair?.['currentRoundTripTime']);
  return {
    sample,
    stats: {
      candidateType: local?.['candidateType'] as string | undefined,
      rttMs: rtt === undefined ? undefined : rtt * 1000,
      inboundKbps: kbps(sample.bytesIn, previous?.bytesIn),
      outboundKbps: kbps(sample.bytesOut, previous?.bytesOut),
      outboundVideoKbps: kbps(sample.videoBytesOut, previous?.videoBytesOut),
      packetLossPercent: lost + received > 0 ? (lost / (lost + received)) * 100 : 0,
      inbound,
      outbound,
      videoCodec: codecs['video'],
      audioCodec: codecs['audio'],
    },
  };
}

function copyFrames(entry: Entry, into: FrameStats): void {
  into.frameWidth = num(entry['frameWidth']) ?? into.frameWidth;
  into.frameHeight = num(entry['frameHeight']) ?? into.frameHeight;
  into.framesPerSecond = num(entry['framesPerSecond']) ?? into.framesPerSecond;
}
