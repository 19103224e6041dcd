import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeStats } from '../../src/compat/stats.js';

// The shape of a Chromium report for one audio+video+data connection (values trimmed).
function report(at: number, scale: number): RTCStatsReport {
  const entries = [
    {
      id: 'T01',
      type: 'transport',
      selectedCandidatePairId: 'CPa',
      iceRole: 'controlled',
      localCertificateId: 'CFl',
    },
    { id: 'CFl', type: 'certificate', fingerprintAlgorithm: 'sha-256' },
    {
      id: 'CPb',
      type: 'candidate-pair',
      localCandidateId: 'Ib',
      remoteCandidateId: 'Ir',
      state: 'failed',
    },
    {
      id: 'CPa',
      type: 'candidate-pair',
      localCandidateId: 'Il',
      remoteCandidateId: 'Ir',
      state: 'succeeded',
      nominated: true,
      currentRoundTripTime: 0.004,
      availableOutgoingBitrate: 1_500_000,
    },
    {
      id: 'Il',
      type: 'local-candidate',
      address: '10.0.0.2',
      port: 50000,
      protocol: 'udp',
      candidateType: 'relay',
      relayProtocol: 'tcp',
    },
    {
      id: 'Ib',
      type: 'local-candidate',
      address: '10.0.0.2',
      port: 50001,
      protocol: 'udp',
      candidateType: 'host',
    },
    {
      id: 'Ir',
      type: 'remote-candidate',
      address: '203.0.113.9',
      port: 40000,
      protocol: 'udp',
      candidateType: 'srflx',
    },
    { id: 'COa', type: 'codec', mimeType: 'audio/opus' },
    { id: 'COv', type: 'codec', mimeType: 'video/VP8' },
    { id: 'COr', type: 'codec', mimeType: 'video/VP9' },
    { id: 'SA', type: 'media-source', kind: 'audio', trackIdentifier: 'local-audio' },
    { id: 'SV', type: 'media-source', kind: 'video', trackIdentifier: 'local-video' },
    {
      id: 'OA',
      type: 'outbound-rtp',
      kind: 'audio',
      bytesSent: 1000 * scale,
      codecId: 'COa',
      mediaSourceId: 'SA',
    },
    {
      id: 'OV',
      type: 'outbound-rtp',
      kind: 'video',
      bytesSent: 10000 * scale,
      codecId: 'COv',
      mediaSourceId: 'SV',
      frameWidth: 640,
      frameHeight: 480,
      framesPerSecond: 20,
    },
    {
      id: 'IA',
      type: 'inbound-rtp',
      kind: 'audio',
      bytesReceived: 900 * scale,
      packetsLost: 2 * scale,
      codecId: 'COa',
      trackIdentifier: 'remote-audio',
    },
    {
      id: 'IV',
      type: 'inbound-rtp',
      kind: 'video',
      bytesReceived: 8000 * scale,
      packetsLost: 0,
      codecId: 'COr',
      trackIdentifier: 'remote-video',
      frameWidth: 320,
      frameHeight: 240,
      framesPerSecond: 15,
    },
    { id: 'RV', type: 'remote-inbound-rtp', kind: 'video', roundTripTime: 0.012 },
    { id: 'D1', type: 'data-channel', state: 'open' },
  ];
  return new Map(entries.map((e) => [e.id, { timestamp: at, ...e }]));
}

describe('getStats summary (standard stats -> getStats.js shape)', () => {
  it('describes the selected pair, codecs, tracks, sizes and totals', () => {
    const { result } = summarizeStats(report(1000, 1), undefined, { systemNetworkType: 'wifi' });
    assert.deepEqual(result.connectionType, {
      systemNetworkType: 'wifi',
      systemIpAddress: ['10.0.0.2:50000'],
      local: {
        candidateType: ['relay'],
        transport: ['udp'],
        ipAddress: ['10.0.0.2:50000'],
        networkType: [],
        relayProtocol: 'tcp',
      },
      remote: {
        candidateType: ['srflx'],
        transport: ['udp'],
        ipAddress: ['203.0.113.9:40000'],
        networkType: [],
      },
      transport: 'udp',
    });
    assert.equal(result.encryption, 'sha-256');
    assert.equal(result.isOfferer, false);
    assert.deepEqual(result.datachannel, { state: 'open' });
    assert.deepEqual(result.resolutions, {
      send: { width: 640, height: 480 },
      recv: { width: 320, height: 240 },
    });
    assert.deepEqual(result.audio.send.codecs, ['opus']);
    assert.deepEqual(result.video.send.codecs, ['VP8']);
    assert.deepEqual(result.video.recv.codecs, ['VP9']);
    assert.deepEqual(result.video.send.tracks, ['local-video']);
    assert.deepEqual(result.audio.recv.tracks, ['remote-audio']);
    assert.equal(result.video.send.framerateMean, 20);
    assert.equal(result.video.bytesSent, 10000);
    assert.equal(result.audio.bytesReceived, 900);
    assert.equal(result.video.latency, 12);
    assert.equal(result.audio.latency, 4);
    assert.equal(result.bandwidth.availableSendBandwidth, 1_500_000);
    assert.deepEqual(result.bandwidth.helper, { audioBytesSent: 1000, videoBytesSent: 10000 });
    // No earlier sample: no rates yet.
    assert.equal(result.bandwidth.speed, 0);
    assert.equal(result.audio.packetsLost, 0);
    assert.equal(result.results.length, 18);
  });

  it('computes rates and deltas against the previous counters', () => {
    const first = summarizeStats(report(1000, 1));
    const { result } = summarizeStats(report(3000, 3), first.counters);
    // 2 s later: audio sent 2000 B more, video 20000 B more.
    assert.equal(result.bandwidth.speed, 11000);
    assert.equal(result.bandwidth.sentPerSecond, 11000);
    assert.equal(result.bandwidth.receivedPerSecond, 8900);
    assert.equal(result.video.send.availableBandwidth, 9.8); // 10000 B/s in KiB/s
    assert.equal(result.video.send.bitrateMean, 80);
    assert.equal(result.audio.packetsLost, 4);
    assert.equal(result.video.bytesSent, 30000);
  });

  it('falls back to a nominated succeeded pair when there is no transport entry', () => {
    const entries = [...(report(0, 1) as unknown as Map<string, RTCStats>).values()].filter(
      (e) => e.type !== 'transport',
    );
    const map = new Map(entries.map((e) => [e.id, e])) as unknown as RTCStatsReport;
    const { result } = summarizeStats(map);
    assert.deepEqual(result.connectionType.local.candidateType, ['relay']);
    assert.equal(result.isOfferer, undefined);
    const empty = summarizeStats(new Map()).result;
    assert.equal(empty.connectionType.transport, '');
    assert.equal(empty.datachannel, undefined);
    assert.deepEqual(empty.resolutions.recv, { width: 0, height: 0 });
  });
});
