/** Upper bitrates in kbps, per kind of source. Unset means no cap. */
export interface Bandwidth {
  audio?: number | undefined;
  video?: number | undefined;
  screen?: number | undefined;
}

const pending = new WeakMap<RTCRtpSender, Promise<boolean>>();

/**
 * Changes a sender's parameters, one change at a time per sender. Browsers refuse a
 * setParameters made while another is in flight (the first one's completion invalidates the
 * second's getParameters), which lost an unmute that came right after a mute. `change` edits the
 * fresh parameters when its turn comes and returns false when nothing needs setting. Resolves
 * false when the browser refused the change.
 */
export function updateParameters(
  sender: RTCRtpSender,
  change: (params: RTCRtpSendParameters) => boolean,
): Promise<boolean> {
  const run = async (): Promise<boolean> => {
    const params = sender.getParameters();
    if (!change(params)) return true;
    try {
      await sender.setParameters(params);
      return true;
    } catch {
      return false;
    }
  };
  // Each change runs after the one before it, however that one ended.
  const next = (pending.get(sender) ?? Promise.resolve(true)).then(run, run);
  pending.set(sender, next);
  return next;
}

/**
 * Caps a sender's bitrate with RTCRtpSender.setParameters (maxBitrate in bps), the standard
 * control that works in unified-plan browsers, unlike SDP b=AS munging. Resolves false when the
 * browser refused the change.
 */
export function applyMaxBitrate(sender: RTCRtpSender, kbps: number | undefined): Promise<boolean> {
  const want = kbps && kbps > 0 ? Math.round(kbps * 1000) : undefined;
  return updateParameters(sender, (params) => {
    // Some browsers return no encodings before negotiation.
    const encodings = params.encodings as RTCRtpEncodingParameters[] | undefined;
    if (!encodings?.length) params.encodings = [{}];
    let changed = false;
    for (const encoding of params.encodings) {
      if (encoding.maxBitrate === want) continue;
      if (want === undefined) delete encoding.maxBitrate;
      else encoding.maxBitrate = want;
      changed = true;
    }
    return changed;
  });
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
