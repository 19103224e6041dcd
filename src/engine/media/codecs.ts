/** Codec names accepted by `codec-video` / `codec-audio`. */
export const VIDEO_CODECS = ['vp8', 'vp9', 'h264', 'av1'] as const;
export const AUDIO_CODECS = ['opus', 'g722'] as const;
export type VideoCodec = (typeof VIDEO_CODECS)[number];
export type AudioCodec = (typeof AUDIO_CODECS)[number];

export interface CodecPreferences {
  video?: VideoCodec | undefined;
  audio?: AudioCodec | undefined;
}

const mimeOf = (name: string, kind: 'audio' | 'video') =>
  `${kind}/${name === 'g722' ? 'G722' : name.toUpperCase()}`;

/** Whether this browser can order codecs with RTCRtpTransceiver.setCodecPreferences. */
export function canPreferCodecs(): boolean {
  return (
    typeof RTCRtpTransceiver !== 'undefined' &&
    'setCodecPreferences' in RTCRtpTransceiver.prototype &&
    typeof RTCRtpReceiver !== 'undefined' &&
    typeof RTCRtpReceiver.getCapabilities === 'function'
  );
}

/**
 * The receiver's codec list with the preferred codec first (and its RTX/RED/FEC companions kept),
 * for `setCodecPreferences`. Undefined when the codec is not available here.
 */
export function orderedCodecs(kind: 'audio' | 'video', name: string): RTCRtpCodec[] | undefined {
  const codecs = RTCRtpReceiver.getCapabilities(kind)?.codecs ?? [];
  const mime = mimeOf(name, kind).toLowerCase();
  const preferred = codecs.filter((c) => c.mimeType.toLowerCase() === mime);
  if (preferred.length === 0) return undefined;
  return [...preferred, ...codecs.filter((c) => c.mimeType.toLowerCase() !== mime)];
}

/** Applies the preferences to every transceiver of the connection that carries that kind. */
export function applyCodecPreferences(pc: RTCPeerConnection, preferences: CodecPreferences): void {
  if (!canPreferCodecs()) return;
  for (const transceiver of pc.getTransceivers()) {
    if (transceiver.currentDirection === 'stopped') continue;
    const kind = transceiver.receiver.track.kind as 'audio' | 'video';
    const name = preferences[kind];
    if (!name) continue;
    const codecs = orderedCodecs(kind, name);
    if (codecs) {
      try {
        transceiver.setCodecPreferences(codecs);
      } catch {
        // A codec list the browser refuses: keep its default order.
      }
    }
  }
}
