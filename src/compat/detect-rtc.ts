/**
 * `DetectRTC` for the RTCMultiConnection v3 compatibility layer: the object v3 pages read as
 * `connection.DetectRTC` (v3 bundled DetectRTC 1.3.9; this follows the API of 1.4.1, its last
 * release, which is a superset).
 *
 * Unlike DetectRTC, capabilities come from feature detection (`typeof RTCPeerConnection`,
 * `navigator.mediaDevices.getDisplayMedia`, `HTMLMediaElement.prototype.setSinkId`, ...) rather
 * than browser-version tables, and nothing is read at import time: every capability is a getter
 * evaluated when read, and the browser/OS facts are computed on first read. The browser comes
 * from `navigator.userAgentData` (User-Agent Client Hints) where the browser has it, else from a
 * small user-agent parse (`parseUserAgent`), the fallback for Firefox and Safari.
 *
 * Nothing here patches globals or talks to third parties: v3's `checkWebSocketsSupport` opened a
 * socket to a public echo server; this one probes the URL you give it (the signaling server).
 */

/** A media device as DetectRTC lists it. */
export interface DetectedDevice {
  deviceId: string;
  groupId: string;
  /** Same as `deviceId` (DetectRTC's alias). */
  id: string;
  kind: MediaDeviceKind;
  /**
   * The browser's label, which is empty until the page has camera/microphone permission; then a
   * placeholder (`Camera 1`, `Microphone 1`, `Speaker 1`) with `isCustomLabel: true`, as
   * DetectRTC does.
   */
  label: string;
  isCustomLabel?: true;
}

/** The browser names DetectRTC reports. Other browsers report their own name. */
export type BrowserName = 'Chrome' | 'Firefox' | 'Safari' | 'Edge' | 'Opera' | 'IE' | (string & {});

export interface BrowserInfo {
  name: BrowserName;
  /** Major version. */
  version: number;
  /**
   * Full version as far as the browser tells: user-agent strings now freeze the minor parts
   * (`120.0.0.0`); `DetectRTC.load()` fills in the real one from Client Hints where available.
   */
  fullVersion: string;
  isChrome: boolean;
  isFirefox: boolean;
  isSafari: boolean;
  isEdge: boolean;
  isOpera: boolean;
  isIE: boolean;
  /**
   * Always false: browsers deliberately stopped letting pages tell private windows apart, and
   * DetectRTC's heuristics (webkitRequestFileSystem, indexedDB, localStorage) no longer work.
   */
  isPrivateBrowsing: boolean;
}

/** Browser, OS and form factor. */
export interface PlatformInfo {
  browser: BrowserInfo;
  /** `Windows`, `Mac OS X`, `Linux`, `Android`, `iOS`, `Chrome OS` or `Unknown OS`. */
  osName: string;
  osVersion: string;
  isMobileDevice: boolean;
}

/** What `detectMediaAvailability` reports. */
export interface MediaAvailability {
  hasWebcam: boolean;
  hasMicrophone: boolean;
  hasSpeakers: boolean;
}

/** Extra detail `DetectLocalIPAddress` passes with each address (not in DetectRTC). */
export interface LocalAddressInfo {
  address: string;
  /** `mdns` for the `<uuid>.local` names browsers use to hide local IPs. */
  family: 'ipv4' | 'ipv6' | 'mdns';
  candidateType: RTCIceCandidateType | null;
  protocol: RTCIceProtocol | null;
}

/**
 * Called once per distinct address (`'Local: 192.168.1.5'`, `'Public: 2001:db8::1'`,
 * `'Local: 1f0c...-....local'`), then once with no arguments when gathering ended.
 */
export type LocalAddressCallback = (
  address?: string,
  isPublic?: boolean,
  isIpv4?: boolean,
  info?: LocalAddressInfo,
) => void;

/** The globals DetectRTC reads; `createDetectRTC(scope)` takes another set (tests, iframes). */
export interface DetectScope {
  navigator?: Navigator | undefined;
  location?: Location | undefined;
  screen?: Screen | undefined;
  RTCPeerConnection?: typeof RTCPeerConnection | undefined;
  RTCRtpSender?: typeof RTCRtpSender | undefined;
  RTCIceGatherer?: unknown;
  MediaStream?: typeof MediaStream | undefined;
  MediaStreamTrack?: typeof MediaStreamTrack | undefined;
  HTMLMediaElement?: typeof HTMLMediaElement | undefined;
  HTMLCanvasElement?: typeof HTMLCanvasElement | undefined;
  AudioContext?: typeof AudioContext | undefined;
  webkitAudioContext?: typeof AudioContext | undefined;
  WebSocket?: typeof WebSocket | undefined;
  Promise?: PromiseConstructor | undefined;
}

/** The `DetectRTC` object. */
export interface DetectRTC {
  /** The DetectRTC API level this object follows. */
  readonly version: string;

  readonly browser: BrowserInfo;
  readonly osName: string;
  readonly osVersion: string;
  readonly isMobileDevice: boolean;

  /** `RTCPeerConnection` exists. */
  readonly isWebRTCSupported: boolean;
  /** `RTCIceGatherer` (the old Edge ORTC API) exists: false in every current browser. */
  readonly isORTCSupported: boolean;
  /** `navigator.mediaDevices.getDisplayMedia` exists (secure contexts only). */
  readonly isScreenCapturingSupported: boolean;
  /** Same as `isScreenCapturingSupported`. */
  readonly isDesktopCapturingSupported: boolean;
  /**
   * Same as `isScreenCapturingSupported`: every browser with getDisplayMedia lets the user pick
   * any monitor, window or tab in its own picker.
   */
  readonly isMultiMonitorScreenCapturingSupported: boolean;
  /** `navigator.mediaDevices.getUserMedia` exists (secure contexts only). */
  readonly isGetUserMediaSupported: boolean;
  readonly isAudioContextSupported: boolean;
  readonly isCreateMediaStreamSourceSupported: boolean;
  /** `RTCPeerConnection.prototype.createDataChannel` exists. */
  readonly isSctpDataChannelsSupported: boolean;
  /** Always false: RTP data channels were removed from Chromium (M96). */
  readonly isRtpDataChannelsSupported: boolean;
  readonly isCanvasSupportsStreamCapturing: boolean;
  readonly isVideoSupportsStreamCapturing: boolean;
  /** `HTMLMediaElement.prototype.setSinkId` exists (choosing the speaker). */
  readonly isSetSinkIdSupported: boolean;
  /** `RTCRtpSender.prototype.replaceTrack` exists. */
  readonly isRTPSenderReplaceTracksSupported: boolean;
  /** Web Audio can take a MediaStream (remote ones included) and WebRTC exists. */
  readonly isRemoteStreamProcessingSupported: boolean;
  readonly isApplyConstraintsSupported: boolean;
  readonly isPromisesSupported: boolean;
  /** `WebSocket` exists. */
  readonly isWebSocketsSupported: boolean;
  /** Set by `checkWebSocketsSupport`; until then, `!isWebSocketsSupported`. */
  isWebSocketsBlocked: boolean;
  /** Set by `checkWebSocketsSupport`: the WebSocket handshake time, e.g. `'4ms'`. */
  WebsocketLatency: string | undefined;

  /** Not in DetectRTC: MIME types `RTCRtpSender.getCapabilities` reports (no rtx/red/fec). */
  readonly supportedCodecs: { audio: string[]; video: string[] };

  /** `'1920 x 1080'`, or `''` without a screen. */
  readonly displayResolution: string;
  /** `'1.78'`, or `''` without a screen. */
  readonly displayAspectRatio: string;

  /** Own property names of these prototypes (DetectRTC's API dumps), or false when missing. */
  readonly MediaStream: string[] | false;
  readonly MediaStreamTrack: string[] | false;
  readonly RTCPeerConnection: string[] | false;

  // Filled in by load():
  MediaDevices: DetectedDevice[];
  audioInputDevices: DetectedDevice[];
  audioOutputDevices: DetectedDevice[];
  videoInputDevices: DetectedDevice[];
  hasMicrophone: boolean;
  /** Chromium lists outputs; Firefox and Safari list none by default, so this stays false. */
  hasSpeakers: boolean;
  hasWebcam: boolean;
  isWebsiteHasMicrophonePermissions: boolean;
  isWebsiteHasWebcamPermissions: boolean;

  /**
   * Lists the devices (`navigator.mediaDevices.enumerateDevices`), updates the device and
   * permission fields, refines `browser.fullVersion`/`osVersion` from Client Hints, then calls
   * back. Also returns a promise. Permissions count as granted when the browser shows device
   * labels or the Permissions API says `granted`.
   */
  load(callback?: () => void): Promise<void>;
  /**
   * Documented by v3 (`connection.DetectRTC.detectMediaAvailability(function(media) {...})`)
   * but never implemented there: `load()`, then the three `has*` flags.
   */
  detectMediaAvailability(
    callback?: (media: MediaAvailability) => void,
  ): Promise<MediaAvailability>;
  /**
   * Opens a WebSocket to `url` and sets `isWebSocketsBlocked` and `WebsocketLatency`, then calls
   * back. Give it the signaling server: an `http(s)://` URL with no path is taken to be a
   * socket.io server and probed at `/socket.io/?EIO=4&transport=websocket`; `ws(s)://` URLs are
   * used as they are. Without a URL nothing is opened (v3 used a public echo server, which is
   * gone and should not learn who runs your app): `isWebSocketsBlocked` becomes
   * `!isWebSocketsSupported`. Gives up after `timeoutMs` (10 s), counting as blocked.
   */
  checkWebSocketsSupport(callback?: () => void, url?: string, timeoutMs?: number): Promise<void>;
  /**
   * Reports the addresses a throwaway RTCPeerConnection (no ICE servers, one data channel, or the
   * given stream's tracks) gathers as host candidates, then closes it. Modern browsers hide local
   * IPs behind mDNS names (`<uuid>.local`) until the page has camera/microphone permission, so
   * expect those; without ICE servers no public (server-reflexive) address is learned. Resolves
   * with the distinct addresses; the callback follows DetectRTC (see `LocalAddressCallback`).
   */
  DetectLocalIPAddress(
    callback?: LocalAddressCallback,
    stream?: MediaStream,
    timeoutMs?: number,
  ): Promise<string[]>;
}

// ---- Browser and OS ----------------------------------------------------------------------------

/** The subset of `NavigatorUAData` (User-Agent Client Hints) used here. */
interface UAData {
  brands?: readonly { brand: string; version: string }[];
  mobile?: boolean;
  platform?: string;
  getHighEntropyValues?: (hints: string[]) => Promise<{
    fullVersionList?: { brand: string; version: string }[];
    platformVersion?: string;
  }>;
}

function browserInfo(name: BrowserName, fullVersion: string): BrowserInfo {
  const version = Number.parseInt(fullVersion, 10);
  return {
    name,
    version: Number.isNaN(version) ? 0 : version,
    fullVersion,
    isChrome: name === 'Chrome',
    isFirefox: name === 'Firefox',
    isSafari: name === 'Safari',
    isEdge: name === 'Edge',
    isOpera: name === 'Opera',
    isIE: name === 'IE',
    isPrivateBrowsing: false,
  };
}

const WINDOWS_VERSIONS: Record<string, string> = {
  '10.0': '10',
  '6.3': '8.1',
  '6.2': '8',
  '6.1': '7',
  '6.0': 'Vista',
  '5.2': 'Server 2003',
  '5.1': 'XP',
};

function osFromUserAgent(ua: string): { osName: string; osVersion: string } {
  const dotted = (v: string | undefined) => (v ?? '').replace(/_/g, '.');
  let m: RegExpExecArray | null;
  if (/CrOS/.test(ua)) return { osName: 'Chrome OS', osVersion: '' };
  if ((m = /Windows NT (\d+\.\d+)/.exec(ua)))
    return { osName: 'Windows', osVersion: WINDOWS_VERSIONS[m[1] ?? ''] ?? m[1] ?? '' };
  if ((m = /Android[ /]?([\d.]*)/.exec(ua))) return { osName: 'Android', osVersion: m[1] ?? '' };
  if (/iPhone|iPad|iPod/.test(ua)) {
    m = /OS (\d+)_(\d+)_?(\d+)?/.exec(ua);
    return { osName: 'iOS', osVersion: m ? `${m[1]}.${m[2]}.${m[3] ?? '0'}` : '' };
  }
  if ((m = /Mac OS X ([\d_.]+)/.exec(ua))) return { osName: 'Mac OS X', osVersion: dotted(m[1]) };
  if (/Macintosh|MacIntel/.test(ua)) return { osName: 'Mac OS X', osVersion: '' };
  if (/Linux|X11/.test(ua)) return { osName: 'Linux', osVersion: '' };
  if (/Windows/.test(ua)) return { osName: 'Windows', osVersion: '' };
  return { osName: 'Unknown OS', osVersion: '' };
}

const MOBILE = /Android|webOS|iPhone|iPad|iPod|BB10|BlackBerry|IEMobile|Opera Mini|Mobile|mobile/i;

/**
 * The fallback: browser, OS and form factor from a user-agent string, with DetectRTC's names.
 * Chromium-based browsers other than Edge and Opera report `Chrome` (as in DetectRTC); on iOS,
 * Chrome (`CriOS`) and Firefox (`FxiOS`) report their own names.
 */
export function parseUserAgent(ua: string): PlatformInfo {
  const rules: [BrowserName, RegExp][] = [
    ['Edge', /Edg(?:e|A|iOS)?\/([\d.]+)/],
    ['Opera', /(?:OPR|OPT)\/([\d.]+)/],
    ['Opera', /Opera[/ ](?:.*Version\/)?([\d.]+)/],
    ['Firefox', /(?:Firefox|FxiOS)\/([\d.]+)/],
    ['Chrome', /(?:Chrome|CriOS)\/([\d.]+)/],
    ['IE', /(?:MSIE |Trident\/.*rv:)([\d.]+)/],
    ['Safari', /Version\/([\d.]+).*Safari\//],
  ];
  let browser: BrowserInfo | undefined;
  for (const [name, pattern] of rules) {
    const match = pattern.exec(ua);
    if (match?.[1]) {
      browser = browserInfo(name, match[1]);
      break;
    }
  }
  if (!browser) {
    // Like DetectRTC: the last `name/version` token.
    const last = /([A-Za-z][\w-]*)\/([\d.]+)[^/]*$/.exec(ua);
    browser = browserInfo(last?.[1] ?? 'Unknown', last?.[2] ?? '0');
  }
  return { browser, ...osFromUserAgent(ua), isMobileDevice: MOBILE.test(ua) };
}

const UA_PLATFORMS: Record<string, string> = {
  macOS: 'Mac OS X',
  'Chrome OS': 'Chrome OS',
  'Chromium OS': 'Chrome OS',
  Windows: 'Windows',
  Linux: 'Linux',
  Android: 'Android',
  iOS: 'iOS',
};

/** Brand -> DetectRTC name; GREASE brands ("Not A;Brand") and unknown ones are skipped. */
function brandName(brand: string): BrowserName | undefined {
  if (brand === 'Microsoft Edge') return 'Edge';
  if (/^Opera/.test(brand)) return 'Opera';
  if (brand === 'Google Chrome' || brand === 'Chromium' || brand === 'HeadlessChrome')
    return 'Chrome';
  return undefined;
}

function pickBrand(
  brands: readonly { brand: string; version: string }[],
): { name: BrowserName; version: string } | undefined {
  const named = brands
    .map((b) => ({ name: brandName(b.brand), version: b.version }))
    .filter((b): b is { name: BrowserName; version: string } => !!b.name);
  // Edge and Opera also carry the Chromium brand: the specific one wins.
  return named.find((b) => b.name !== 'Chrome') ?? named[0];
}

/**
 * Browser, OS and form factor from User-Agent Client Hints, falling back to the user-agent string
 * for what the low-entropy hints do not say (full version, OS version).
 */
export function platformFromUserAgentData(data: UAData, ua: string): PlatformInfo {
  const parsed = parseUserAgent(ua);
  const brand = pickBrand(data.brands ?? []);
  let browser = parsed.browser;
  if (brand) {
    const sameMajor = Number.parseInt(brand.version, 10) === parsed.browser.version;
    browser = browserInfo(
      brand.name,
      sameMajor && parsed.browser.name === brand.name ? parsed.browser.fullVersion : brand.version,
    );
  }
  const osName = (data.platform && UA_PLATFORMS[data.platform]) || parsed.osName;
  return {
    browser,
    osName,
    osVersion: osName === parsed.osName ? parsed.osVersion : '',
    isMobileDevice: data.mobile ?? parsed.isMobileDevice,
  };
}

/** Windows' Client Hints platformVersion: 13 and up is Windows 11, 1-10 is Windows 10. */
function osVersionFromHint(osName: string, platformVersion: string): string | undefined {
  if (!platformVersion) return undefined;
  if (osName !== 'Windows') return platformVersion;
  const major = Number.parseInt(platformVersion, 10);
  return major >= 13 ? '11' : major > 0 ? '10' : undefined;
}

// ---- Addresses ---------------------------------------------------------------------------------

const PRIVATE_V4 =
  /^(?:10\.|127\.|169\.254\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|100\.(?:6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.)/;
const PRIVATE_V6 = /^(?:::1$|fe[89ab][0-9a-f]:|f[cd][0-9a-f]{2}:)/i;

/** Whether an address (IPv4, IPv6 or an mDNS name) is private, loopback or link-local. */
export function classifyAddress(address: string): {
  family: LocalAddressInfo['family'];
  isPublic: boolean;
} {
  if (address.toLowerCase().endsWith('.local')) return { family: 'mdns', isPublic: false };
  if (address.includes(':')) return { family: 'ipv6', isPublic: !PRIVATE_V6.test(address) };
  return { family: 'ipv4', isPublic: !PRIVATE_V4.test(address) };
}

/** The address field of a candidate (`candidate.address`, else the 5th field of its line). */
function candidateAddress(candidate: RTCIceCandidate): string | undefined {
  return candidate.address ?? candidate.candidate.split(' ')[4] ?? undefined;
}

/** The URL `checkWebSocketsSupport` opens for a signaling URL (see there). */
export function webSocketProbeUrl(url: string, base?: string): string {
  const target = new URL(url, base);
  if (target.protocol === 'http:' || target.protocol === 'https:') {
    target.protocol = target.protocol === 'https:' ? 'wss:' : 'ws:';
    if (target.pathname === '/' && !target.search) {
      target.pathname = '/socket.io/';
      target.search = '?EIO=4&transport=websocket';
    }
  }
  return target.href;
}

// ---- The object --------------------------------------------------------------------------------

const CODEC_HELPERS = /\/(?:rtx|red|ulpfec|flexfec-03|cn|telephone-event)$/i;

/** Own property names of a constructor's prototype, or false when there is no such constructor. */
function prototypeKeys(ctor: unknown): string[] | false {
  return typeof ctor === 'function' ? Object.keys(ctor.prototype as object) : false;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Builds a DetectRTC object over a set of globals (default: this page's). Creating it reads
 * nothing; every property is read when used.
 */
export function createDetectRTC(scope: DetectScope = globalThis): DetectRTC {
  let platform: PlatformInfo | undefined;
  const getPlatform = (): PlatformInfo => {
    if (!platform) {
      const nav = scope.navigator;
      const ua = nav?.userAgent ?? '';
      const data = (nav as { userAgentData?: UAData } | undefined)?.userAgentData;
      platform = data?.brands?.length ? platformFromUserAgentData(data, ua) : parseUserAgent(ua);
    }
    return platform;
  };
  const mediaDevices = (): MediaDevices | undefined => scope.navigator?.mediaDevices;
  const hasMethod = (proto: object | undefined, name: string) =>
    !!proto && typeof (proto as Record<string, unknown>)[name] === 'function';
  const audioContext = () => scope.AudioContext ?? scope.webkitAudioContext;
  const screenCapture = () => typeof mediaDevices()?.getDisplayMedia === 'function';

  const detect: DetectRTC = {
    version: '1.4.1',

    get browser() {
      return getPlatform().browser;
    },
    get osName() {
      return getPlatform().osName;
    },
    get osVersion() {
      return getPlatform().osVersion;
    },
    get isMobileDevice() {
      return getPlatform().isMobileDevice;
    },

    get isWebRTCSupported() {
      return typeof scope.RTCPeerConnection === 'function';
    },
    get isORTCSupported() {
      return typeof scope.RTCIceGatherer === 'function';
    },
    get isScreenCapturingSupported() {
      return screenCapture();
    },
    get isDesktopCapturingSupported() {
      return screenCapture();
    },
    get isMultiMonitorScreenCapturingSupported() {
      return screenCapture();
    },
    get isGetUserMediaSupported() {
      return typeof mediaDevices()?.getUserMedia === 'function';
    },
    get isAudioContextSupported() {
      return typeof audioContext() === 'function';
    },
    get isCreateMediaStreamSourceSupported() {
      return hasMethod(audioContext()?.prototype, 'createMediaStreamSource');
    },
    get isSctpDataChannelsSupported() {
      return hasMethod(scope.RTCPeerConnection?.prototype, 'createDataChannel');
    },
    isRtpDataChannelsSupported: false,
    get isCanvasSupportsStreamCapturing() {
      return hasMethod(scope.HTMLCanvasElement?.prototype, 'captureStream');
    },
    get isVideoSupportsStreamCapturing() {
      const proto = scope.HTMLMediaElement?.prototype;
      return hasMethod(proto, 'captureStream') || hasMethod(proto, 'mozCaptureStream');
    },
    get isSetSinkIdSupported() {
      return hasMethod(scope.HTMLMediaElement?.prototype, 'setSinkId');
    },
    get isRTPSenderReplaceTracksSupported() {
      return hasMethod(scope.RTCRtpSender?.prototype, 'replaceTrack');
    },
    get isRemoteStreamProcessingSupported() {
      return detect.isWebRTCSupported && detect.isCreateMediaStreamSourceSupported;
    },
    get isApplyConstraintsSupported() {
      return hasMethod(scope.MediaStreamTrack?.prototype, 'applyConstraints');
    },
    get isPromisesSupported() {
      return typeof scope.Promise === 'function';
    },
    get isWebSocketsSupported() {
      return typeof scope.WebSocket === 'function';
    },
    isWebSocketsBlocked: typeof scope.WebSocket !== 'function',
    WebsocketLatency: undefined,

    get supportedCodecs() {
      const list = (kind: 'audio' | 'video') => {
        const sender = scope.RTCRtpSender;
        const codecs =
          typeof sender?.getCapabilities === 'function'
            ? (sender.getCapabilities(kind)?.codecs ?? [])
            : [];
        return [...new Set(codecs.map((c) => c.mimeType))].filter((m) => !CODEC_HELPERS.test(m));
      };
      return { audio: list('audio'), video: list('video') };
    },

    get displayResolution() {
      const s = scope.screen;
      return s?.width ? `${s.width} x ${s.height}` : '';
    },
    get displayAspectRatio() {
      const s = scope.screen;
      if (!s?.width || !s.height) return '';
      const d = gcd(s.width, s.height);
      return (s.width / d / (s.height / d)).toFixed(2);
    },

    get MediaStream() {
      return prototypeKeys(scope.MediaStream);
    },
    get MediaStreamTrack() {
      return prototypeKeys(scope.MediaStreamTrack);
    },
    get RTCPeerConnection() {
      return prototypeKeys(scope.RTCPeerConnection);
    },

    MediaDevices: [],
    audioInputDevices: [],
    audioOutputDevices: [],
    videoInputDevices: [],
    hasMicrophone: false,
    hasSpeakers: false,
    hasWebcam: false,
    isWebsiteHasMicrophonePermissions: false,
    isWebsiteHasWebcamPermissions: false,

    async load(callback) {
      const [devices, camera, microphone] = await Promise.all([
        enumerate(mediaDevices()),
        permissionGranted(scope.navigator, 'camera'),
        permissionGranted(scope.navigator, 'microphone'),
        refineFromHints(scope.navigator, getPlatform()),
      ]);
      const counts: Partial<Record<MediaDeviceKind, number>> = {};
      const placeholder = {
        videoinput: 'Camera',
        audioinput: 'Microphone',
        audiooutput: 'Speaker',
      };
      const list = devices.map((d): DetectedDevice => {
        counts[d.kind] = (counts[d.kind] ?? 0) + 1;
        const device: DetectedDevice = {
          deviceId: d.deviceId,
          groupId: d.groupId,
          id: d.deviceId,
          kind: d.kind,
          label: d.label,
        };
        if (!d.label) {
          device.label = `${placeholder[d.kind]} ${counts[d.kind] ?? 1}`;
          device.isCustomLabel = true;
        }
        return device;
      });
      const ofKind = (kind: MediaDeviceKind) => list.filter((d) => d.kind === kind);
      detect.MediaDevices = list;
      detect.audioInputDevices = ofKind('audioinput');
      detect.audioOutputDevices = ofKind('audiooutput');
      detect.videoInputDevices = ofKind('videoinput');
      detect.hasMicrophone = detect.audioInputDevices.length > 0;
      detect.hasSpeakers = detect.audioOutputDevices.length > 0;
      detect.hasWebcam = detect.videoInputDevices.length > 0;
      detect.isWebsiteHasWebcamPermissions =
        camera || detect.videoInputDevices.some((d) => !d.isCustomLabel);
      detect.isWebsiteHasMicrophonePermissions =
        microphone || detect.audioInputDevices.some((d) => !d.isCustomLabel);
      callback?.();
    },

    async detectMediaAvailability(callback) {
      await detect.load();
      const media: MediaAvailability = {
        hasWebcam: detect.hasWebcam,
        hasMicrophone: detect.hasMicrophone,
        hasSpeakers: detect.hasSpeakers,
      };
      callback?.(media);
      return media;
    },

    async checkWebSocketsSupport(callback, url, timeoutMs = 10_000) {
      const Socket = scope.WebSocket;
      if (typeof Socket !== 'function' || !url) {
        detect.isWebSocketsBlocked = typeof Socket !== 'function';
        callback?.();
        return;
      }
      const started = performance.now();
      const opened = await new Promise<boolean>((resolve) => {
        let socket: WebSocket;
        try {
          socket = new Socket(webSocketProbeUrl(url, scope.location?.href));
        } catch {
          resolve(false);
          return;
        }
        const finish = (ok: boolean) => {
          clearTimeout(timer);
          socket.onopen = socket.onerror = socket.onclose = null;
          if (socket.readyState <= Socket.OPEN) socket.close();
          resolve(ok);
        };
        const timer = setTimeout(() => finish(false), timeoutMs);
        socket.onopen = () => finish(true);
        socket.onerror = socket.onclose = () => finish(false);
      });
      detect.isWebSocketsBlocked = !opened;
      detect.WebsocketLatency = opened
        ? `${Math.round(performance.now() - started)}ms`
        : detect.WebsocketLatency;
      callback?.();
    },

    async DetectLocalIPAddress(callback, stream, timeoutMs = 5_000) {
      const Connection = scope.RTCPeerConnection;
      const found: string[] = [];
      if (typeof Connection !== 'function') {
        callback?.();
        return found;
      }
      const pc = new Connection({ iceServers: [] });
      try {
        const ended = new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          pc.onicecandidate = ({ candidate }) => {
            if (!candidate?.candidate) {
              clearTimeout(timer);
              resolve();
              return;
            }
            const address = candidateAddress(candidate);
            if (!address || found.includes(address)) return;
            found.push(address);
            const { family, isPublic } = classifyAddress(address);
            callback?.(
              `${isPublic ? 'Public' : 'Local'}: ${address}`,
              isPublic,
              family === 'ipv4',
              {
                address,
                family,
                candidateType: candidate.type,
                protocol: candidate.protocol,
              },
            );
          };
        });
        const tracks = stream?.getTracks() ?? [];
        if (stream && tracks.length) for (const track of tracks) pc.addTrack(track, stream);
        else pc.createDataChannel('detect-local-ip');
        await pc.setLocalDescription(await pc.createOffer());
        await ended;
      } finally {
        pc.onicecandidate = null;
        pc.close();
      }
      callback?.();
      return found;
    },
  };
  return detect;
}

async function enumerate(devices: MediaDevices | undefined): Promise<MediaDeviceInfo[]> {
  if (typeof devices?.enumerateDevices !== 'function') return [];
  try {
    return await devices.enumerateDevices();
  } catch {
    return [];
  }
}

async function permissionGranted(
  nav: Navigator | undefined,
  name: 'camera' | 'microphone',
): Promise<boolean> {
  try {
    const status = await nav?.permissions.query({ name });
    return status?.state === 'granted';
  } catch {
    // Not a permission this browser can be asked about.
    return false;
  }
}

/** Fills in the full browser version and OS version from high-entropy Client Hints. */
async function refineFromHints(nav: Navigator | undefined, platform: PlatformInfo): Promise<void> {
  const data = (nav as { userAgentData?: UAData } | undefined)?.userAgentData;
  if (typeof data?.getHighEntropyValues !== 'function') return;
  try {
    const hints = await data.getHighEntropyValues(['fullVersionList', 'platformVersion']);
    const full = pickBrand(hints.fullVersionList ?? []);
    if (full && full.name === platform.browser.name) platform.browser.fullVersion = full.version;
    const osVersion = osVersionFromHint(platform.osName, hints.platformVersion ?? '');
    if (osVersion) platform.osVersion = osVersion;
  } catch {
    // Hints refused: keep what the user-agent string said.
  }
}

/** The page's DetectRTC (`connection.DetectRTC`). */
export const DetectRTC: DetectRTC = createDetectRTC();
