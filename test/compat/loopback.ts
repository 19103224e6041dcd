// Two real RTCPeerConnections in the test page, connected over loopback with fake camera and
// microphone, for the compat tests. SDP goes through `munge` the way RTCMultiConnection v3's
// `connection.processSdp` does: on each local description before setLocalDescription and on each
// remote one before setRemoteDescription.
import { waitUntil } from '@open-wc/testing';

export type Munge = (sdp: string) => string;

export interface Loopback {
  /** The offerer. */
  a: RTCPeerConnection;
  /** The answerer. */
  b: RTCPeerConnection;
  /** Data channels of both ends, open. */
  channels: { a: RTCDataChannel; b: RTCDataChannel } | undefined;
  /** Closes both connections and stops the fake devices. */
  close(): void;
}

export interface LoopbackOptions {
  munge?: Munge;
  data?: boolean;
  /** Called after tracks are added and before the offer (e.g. setCodecPreferences). */
  beforeOffer?: (a: RTCPeerConnection, b: RTCPeerConnection) => void;
}

const media = () => navigator.mediaDevices.getUserMedia({ audio: true, video: true });

/** Waits until ICE gathering completes, so the descriptions carry every candidate. */
async function gathered(pc: RTCPeerConnection): Promise<void> {
  await waitUntil(() => pc.iceGatheringState === 'complete', 'ICE gathering completes', {
    timeout: 10000,
  });
}

/** Connects two peers that both send audio and video (and open a data channel unless `data: false`). */
export async function connectPair(options: LoopbackOptions = {}): Promise<Loopback> {
  const munge = options.munge ?? ((sdp: string) => sdp);
  const [streamA, streamB] = await Promise.all([media(), media()]);
  const a = new RTCPeerConnection({ iceServers: [] });
  const b = new RTCPeerConnection({ iceServers: [] });
  for (const track of streamA.getTracks()) a.addTrack(track, streamA);
  for (const track of streamB.getTracks()) b.addTrack(track, streamB);
  const channelA = options.data === false ? undefined : a.createDataChannel('compat');
  const channelB = new Promise<RTCDataChannel>((resolve) => {
    b.ondatachannel = ({ channel }) => resolve(channel);
  });
  options.beforeOffer?.(a, b);

  const offer = await a.createOffer();
  await a.setLocalDescription({ type: 'offer', sdp: munge(offer.sdp ?? '') });
  await gathered(a);
  await b.setRemoteDescription({ type: 'offer', sdp: munge(a.localDescription?.sdp ?? '') });
  const answer = await b.createAnswer();
  await b.setLocalDescription({ type: 'answer', sdp: munge(answer.sdp ?? '') });
  await gathered(b);
  await a.setRemoteDescription({ type: 'answer', sdp: munge(b.localDescription?.sdp ?? '') });

  await waitUntil(
    () => a.connectionState === 'connected' && b.connectionState === 'connected',
    'both peers connect',
    { timeout: 15000 },
  );
  let channels: Loopback['channels'];
  if (channelA) {
    const remote = await channelB;
    await waitUntil(
      () => channelA.readyState === 'open' && remote.readyState === 'open',
      'data channel opens',
      { timeout: 10000 },
    );
    channels = { a: channelA, b: remote };
  }
  return {
    a,
    b,
    channels,
    close() {
      a.close();
      b.close();
      for (const track of [...streamA.getTracks(), ...streamB.getTracks()]) track.stop();
    },
  };
}

/** Payload types on the m-line of the first section of `kind`, in order. */
export function payloadOrder(sdp: string, kind: 'audio' | 'video'): string[] {
  const line = sdp.split(/\r?\n/).find((l) => l.startsWith(`m=${kind} `)) ?? '';
  return line.split(' ').slice(3);
}

/** Codec name of a payload type in the first section that maps it. */
export function codecName(sdp: string, pt: string | undefined): string | undefined {
  return new RegExp(`^a=rtpmap:${pt ?? ''} ([^/]+)/`, 'm').exec(sdp)?.[1];
}
