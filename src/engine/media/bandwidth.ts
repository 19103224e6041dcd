/** Upper bitrates in kbps, per kind of source. Unset means no cap. */
export interface Bandwidth {
  audio?: number | undefined;
  video?: number | undefined;
  screen?: number | undefined;
}

/**
 * Caps a sender's bitrate with RTCRtpSender.setParameters (maxBitrate in bps), the standard
 * control that works in unified-plan browsers, unlike SDP b=AS munging. Resolves false when the
 * browser refused the change.
 */
export async function applyMaxBitrate(
  sender: RTCRtpSender,
  kbps: number | undefined,
): Promise<boolean> {
  const params = sender.getParameters();
  // Some browsers return no encodings before negotiation.
  const encodings = params.encodings as RTCRtpEncodingParameters[] | undefined;
  if (!encodings?.length) params.encodings = [{}];
  let changed = false;
  for (const encoding of params.encodings) {
    const want = kbps && kbps > 0 ? Math.round(kbps * 1000) : undefined;
    if (encoding.maxBitrate === want) continue;
    if (want === undefined) delete encoding.maxBitrate;
    else encoding.maxBitrate = want;
    changed = true;
  }
  if (!changed) return true;
  try {
    await sender.setParameters(params);
    return true;
  } catch {
    return false;
  }
}

/** The cap that applies to a track of this kind. */
export function bitrateFor(
  bandwidth: Bandwidth,
  kind: string,
  isScreen: boolean,
): number | undefined {
  if (kind === 'audio') return bandwidth.audio;
  return isScreen ? (bandwidth.screen ?? bandwidth.video) : bandwidth.video;
}
