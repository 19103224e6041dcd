/**
 * SDP helpers for apps that still munge SDP (RTCMultiConnection's `BandwidthHandler` and
 * `CodecsHandler`), written for unified-plan SDP: every m-section of a kind is handled, whatever
 * its mid. The engine itself uses RTCRtpSender.setParameters and setCodecPreferences, and falls
 * back to these only where the browser lacks them.
 */

interface Section {
  kind: string;
  lines: string[];
}

function split(sdp: string): { head: string[]; sections: Section[]; eol: string } {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const head: string[] = [];
  const sections: Section[] = [];
  for (const line of lines) {
    if (line.startsWith('m='))
      sections.push({ kind: line.slice(2, line.indexOf(' ')), lines: [line] });
    else if (sections.length === 0) head.push(line);
    else sections.at(-1)?.lines.push(line);
  }
  return { head, sections, eol };
}

function join(parts: { head: string[]; sections: Section[]; eol: string }): string {
  return [...parts.head, ...parts.sections.flatMap((s) => s.lines), ''].join(parts.eol);
}

/** Payload types of a section whose rtpmap names this codec (case-insensitive). */
function payloadsOf(section: Section, codec: string): string[] {
  const name = codec.toLowerCase();
  return section.lines
    .map((line) => /^a=rtpmap:(\d+) ([^/]+)\//.exec(line))
    .filter((m): m is RegExpExecArray => !!m && m[2]?.toLowerCase() === name)
    .map((m) => m[1] ?? '');
}

/**
 * Sets a bandwidth limit (kbps) on every m-section of `kind` (`b=AS` and `b=TIAS`), or removes
 * limits when `kbps` is undefined.
 */
export function setBandwidth(
  sdp: string,
  kind: 'audio' | 'video',
  kbps: number | undefined,
): string {
  const parts = split(sdp);
  for (const section of parts.sections) {
    if (section.kind !== kind) continue;
    section.lines = section.lines.filter((l) => !l.startsWith('b=AS:') && !l.startsWith('b=TIAS:'));
    if (!kbps || kbps <= 0) continue;
    // b= lines go right after the section's c= line (or the m= line).
    const at = section.lines.findIndex((l) => l.startsWith('c='));
    section.lines.splice(
      at >= 0 ? at + 1 : 1,
      0,
      `b=AS:${Math.round(kbps)}`,
      `b=TIAS:${Math.round(kbps * 1000)}`,
    );
  }
  return join(parts);
}

/**
 * Puts a codec first in every m-section of `kind` (with its RTX companions), like
 * setCodecPreferences does. Sections without that codec are left alone.
 */
export function preferCodec(sdp: string, kind: 'audio' | 'video', codec: string): string {
  const parts = split(sdp);
  for (const section of parts.sections) {
    if (section.kind !== kind) continue;
    const preferred = payloadsOf(section, codec === 'g722' ? 'G722' : codec);
    if (preferred.length === 0) continue;
    const rtx = section.lines
      .map((line) => /^a=fmtp:(\d+) apt=(\d+)/.exec(line))
      .filter((m): m is RegExpExecArray => !!m && preferred.includes(m[2] ?? ''))
      .map((m) => m[1] ?? '');
    const first = [...preferred, ...rtx];
    const [m = ''] = section.lines;
    const fields = m.split(' ');
    const payloads = fields.slice(3);
    section.lines[0] = [
      ...fields.slice(0, 3),
      ...first,
      ...payloads.filter((p) => !first.includes(p)),
    ].join(' ');
  }
  return join(parts);
}

/** Sets Opus fmtp parameters (`stereo`, `maxaveragebitrate` in bps, `useinbandfec`, `usedtx`...). */
export function setOpusParameters(sdp: string, params: Record<string, string | number>): string {
  const parts = split(sdp);
  for (const section of parts.sections) {
    if (section.kind !== 'audio') continue;
    for (const pt of payloadsOf(section, 'opus')) {
      const index = section.lines.findIndex((l) => l.startsWith(`a=fmtp:${pt} `));
      const current = new Map<string, string>();
      if (index >= 0) {
        for (const pair of (section.lines[index] ?? '').slice(`a=fmtp:${pt} `.length).split(';')) {
          const [key, value = ''] = pair.trim().split('=');
          if (key) current.set(key, value);
        }
      }
      for (const [key, value] of Object.entries(params)) current.set(key, String(value));
      const line = `a=fmtp:${pt} ${[...current].map(([k, v]) => `${k}=${v}`).join(';')}`;
      if (index >= 0) section.lines[index] = line;
      else {
        const rtpmap = section.lines.findIndex((l) => l.startsWith(`a=rtpmap:${pt} `));
        section.lines.splice(rtpmap + 1, 0, line);
      }
    }
  }
  return join(parts);
}
