import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// Importing in Node (no window, no navigator) proves nothing is read at import time.
import {
  classifyAddress,
  createDetectRTC,
  DetectRTC,
  type DetectScope,
  parseUserAgent,
  platformFromUserAgentData,
  webSocketProbeUrl,
} from '../../src/compat/detect-rtc.js';

const UA = {
  chrome:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  headless:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
  edge: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87',
  opera:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/112.0.0.0',
  firefox: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  safari:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  iosSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  iosChrome:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1',
  android:
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  firefoxAndroid: 'Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0',
  ie: 'Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko',
};

describe('DetectRTC: user-agent fallback', () => {
  it('names browsers as DetectRTC does', () => {
    const cases: [string, string, number, string, string][] = [
      [UA.chrome, 'Chrome', 126, 'Windows', '10'],
      [UA.headless, 'Chrome', 156, 'Linux', ''],
      [UA.edge, 'Edge', 126, 'Windows', '10'],
      [UA.opera, 'Opera', 112, 'Mac OS X', '10.15.7'],
      [UA.firefox, 'Firefox', 128, 'Linux', ''],
      [UA.safari, 'Safari', 17, 'Mac OS X', '10.15.7'],
      [UA.iosSafari, 'Safari', 17, 'iOS', '17.5.1'],
      [UA.iosChrome, 'Chrome', 126, 'iOS', '17.5.0'],
      [UA.android, 'Chrome', 126, 'Android', '10'],
      [UA.firefoxAndroid, 'Firefox', 128, 'Android', '14'],
      [UA.ie, 'IE', 11, 'Windows', '7'],
    ];
    for (const [ua, name, version, osName, osVersion] of cases) {
      const info = parseUserAgent(ua);
      assert.equal(info.browser.name, name, ua);
      assert.equal(info.browser.version, version, ua);
      assert.equal(info.osName, osName, ua);
      assert.equal(info.osVersion, osVersion, ua);
      assert.equal(info.browser[`is${name}` as 'isChrome'], true, ua);
      const flags = ['isChrome', 'isFirefox', 'isSafari', 'isEdge', 'isOpera', 'isIE'] as const;
      assert.equal(flags.filter((f) => info.browser[f]).length, 1, ua);
      assert.equal(info.browser.isPrivateBrowsing, false);
    }
    assert.equal(parseUserAgent(UA.edge).browser.fullVersion, '126.0.2592.87');
    assert.equal(parseUserAgent(UA.iosChrome).browser.fullVersion, '126.0.6478.54');
    assert.equal(parseUserAgent(UA.android).isMobileDevice, true);
    assert.equal(parseUserAgent(UA.iosSafari).isMobileDevice, true);
    assert.equal(parseUserAgent(UA.chrome).isMobileDevice, false);
    const unknown = parseUserAgent('SomeBot/2.5');
    assert.deepEqual(
      [unknown.browser.name, unknown.browser.version, unknown.osName],
      ['SomeBot', 2, 'Unknown OS'],
    );
  });

  it('prefers Client Hints brands, and the specific brand over Chromium', () => {
    const grease = { brand: 'Not:A-Brand', version: '8' };
    const edge = platformFromUserAgentData(
      {
        brands: [
          grease,
          { brand: 'Chromium', version: '126' },
          { brand: 'Microsoft Edge', version: '126' },
        ],
        mobile: false,
        platform: 'Windows',
      },
      UA.edge,
    );
    assert.equal(edge.browser.name, 'Edge');
    assert.equal(edge.browser.fullVersion, '126.0.2592.87');
    assert.equal(edge.osName, 'Windows');
    const headless = platformFromUserAgentData(
      { brands: [grease, { brand: 'Chromium', version: '156' }], mobile: false, platform: 'Linux' },
      UA.headless,
    );
    assert.deepEqual(
      [headless.browser.name, headless.browser.version, headless.browser.isChrome, headless.osName],
      ['Chrome', 156, true, 'Linux'],
    );
    const mac = platformFromUserAgentData(
      { brands: [{ brand: 'Google Chrome', version: '126' }], mobile: true, platform: 'macOS' },
      UA.opera,
    );
    assert.deepEqual(
      [mac.browser.name, mac.osName, mac.isMobileDevice],
      ['Chrome', 'Mac OS X', true],
    );
  });
});

describe('DetectRTC: helpers', () => {
  it('classifies addresses (IPv4, IPv6, mDNS)', () => {
    assert.deepEqual(classifyAddress('192.168.1.5'), { family: 'ipv4', isPublic: false });
    assert.deepEqual(classifyAddress('127.0.0.1'), { family: 'ipv4', isPublic: false });
    assert.deepEqual(classifyAddress('172.20.0.3'), { family: 'ipv4', isPublic: false });
    assert.deepEqual(classifyAddress('172.32.0.3'), { family: 'ipv4', isPublic: true });
    assert.deepEqual(classifyAddress('100.100.1.1'), { family: 'ipv4', isPublic: false });
    assert.deepEqual(classifyAddress('8.8.8.8'), { family: 'ipv4', isPublic: true });
    assert.deepEqual(classifyAddress('fe80::1'), { family: 'ipv6', isPublic: false });
    assert.deepEqual(classifyAddress('fd12:3456::1'), { family: 'ipv6', isPublic: false });
    assert.deepEqual(classifyAddress('::1'), { family: 'ipv6', isPublic: false });
    assert.deepEqual(classifyAddress('2001:db8::1'), { family: 'ipv6', isPublic: true });
    assert.deepEqual(classifyAddress('0f1e2d3c-aaaa-bbbb-cccc-1234567890ab.local'), {
      family: 'mdns',
      isPublic: false,
    });
  });

  it('turns a socket.io server URL into its WebSocket endpoint', () => {
    assert.equal(
      webSocketProbeUrl('https://example.com:9001/'),
      'wss://example.com:9001/socket.io/?EIO=4&transport=websocket',
    );
    assert.equal(
      webSocketProbeUrl('/', 'http://127.0.0.1:8000/demo/index.html'),
      'ws://127.0.0.1:8000/socket.io/?EIO=4&transport=websocket',
    );
    assert.equal(webSocketProbeUrl('wss://echo.example/ws'), 'wss://echo.example/ws');
    assert.equal(webSocketProbeUrl('http://h/custom/path'), 'ws://h/custom/path');
  });
});

describe('DetectRTC: feature detection over a scope', () => {
  it('reads nothing at import and reports an environment without WebRTC as such', () => {
    // Node 20 has no RTCPeerConnection, mediaDevices or AudioContext.
    assert.equal(DetectRTC.isWebRTCSupported, false);
    assert.equal(DetectRTC.isGetUserMediaSupported, false);
    assert.equal(DetectRTC.isScreenCapturingSupported, false);
    assert.equal(DetectRTC.isRtpDataChannelsSupported, false);
    assert.equal(DetectRTC.RTCPeerConnection, false);
    assert.deepEqual(DetectRTC.supportedCodecs, { audio: [], video: [] });
  });

  it('detects capabilities from the globals, lists devices and infers permissions', async () => {
    const devices = [
      { kind: 'audioinput', label: '', deviceId: '', groupId: 'g' },
      { kind: 'videoinput', label: 'HD Camera', deviceId: 'cam1', groupId: 'g1' },
      { kind: 'videoinput', label: 'Back Camera', deviceId: 'cam2', groupId: 'g2' },
    ];
    class FakePC {
      createDataChannel() {}
    }
    const scope: DetectScope = {
      navigator: {
        userAgent: UA.firefox,
        mediaDevices: {
          getUserMedia: () => Promise.reject(new Error('no')),
          getDisplayMedia: () => Promise.reject(new Error('no')),
          enumerateDevices: () => Promise.resolve(devices),
        },
        permissions: { query: () => Promise.reject(new TypeError('unknown permission')) },
      } as unknown as Navigator,
      RTCPeerConnection: FakePC as unknown as typeof RTCPeerConnection,
      WebSocket: class {} as unknown as typeof WebSocket,
      Promise,
      screen: { width: 1920, height: 1080 } as Screen,
    };
    const detect = createDetectRTC(scope);
    assert.equal(detect.browser.name, 'Firefox');
    assert.equal(detect.isWebRTCSupported, true);
    assert.equal(detect.isSctpDataChannelsSupported, true);
    assert.equal(detect.isScreenCapturingSupported, true);
    assert.equal(detect.isGetUserMediaSupported, true);
    assert.equal(detect.isAudioContextSupported, false);
    assert.equal(detect.isSetSinkIdSupported, false);
    assert.equal(detect.isWebSocketsSupported, true);
    assert.equal(detect.isWebSocketsBlocked, false);
    assert.equal(detect.displayResolution, '1920 x 1080');
    assert.equal(detect.displayAspectRatio, '1.78');
    assert.deepEqual(detect.RTCPeerConnection, []);

    let called = 0;
    await detect.load(() => called++);
    assert.equal(called, 1);
    assert.equal(detect.hasMicrophone, true);
    assert.equal(detect.hasWebcam, true);
    assert.equal(detect.hasSpeakers, false);
    assert.deepEqual(detect.audioInputDevices, [
      {
        kind: 'audioinput',
        label: 'Microphone 1',
        deviceId: '',
        id: '',
        groupId: 'g',
        isCustomLabel: true,
      },
    ]);
    assert.deepEqual(
      detect.videoInputDevices.map((d) => [d.id, d.label, d.isCustomLabel]),
      [
        ['cam1', 'HD Camera', undefined],
        ['cam2', 'Back Camera', undefined],
      ],
    );
    assert.equal(detect.MediaDevices.length, 3);
    assert.equal(detect.isWebsiteHasWebcamPermissions, true);
    assert.equal(detect.isWebsiteHasMicrophonePermissions, false);

    const media = await new Promise((resolve) => void detect.detectMediaAvailability(resolve));
    assert.deepEqual(media, { hasWebcam: true, hasMicrophone: true, hasSpeakers: false });

    // Without a URL nothing is opened.
    await detect.checkWebSocketsSupport();
    assert.equal(detect.isWebSocketsBlocked, false);
    assert.equal(detect.WebsocketLatency, undefined);
  });
});
