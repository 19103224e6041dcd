import { expect } from '@open-wc/testing';
import { DetectRTC, type MediaAvailability } from '../../src/compat/detect-rtc.js';

// The signaling server web-test-runner.config.mjs started (imported directly rather than through
// test/support/in-page.ts, which would load the whole engine).
const virtualModule = '/__signaling.js';
const { signalingUrl } = (await import(virtualModule)) as { signalingUrl: string };

describe('compat DetectRTC in Chromium', () => {
  it('names the browser and OS from Client Hints, like DetectRTC', () => {
    const major = Number(/Chrome\/(\d+)/.exec(navigator.userAgent)?.[1]);
    const { browser } = DetectRTC;
    expect(browser.name).to.equal('Chrome');
    expect(browser.isChrome).to.equal(true);
    expect([browser.isFirefox, browser.isSafari, browser.isEdge, browser.isOpera]).to.deep.equal([
      false,
      false,
      false,
      false,
    ]);
    expect(browser.version).to.equal(major);
    expect(browser.fullVersion.startsWith(`${major}.`)).to.equal(true);
    expect(DetectRTC.osName).to.equal('Linux');
    expect(DetectRTC.isMobileDevice).to.equal(false);
    // The same object every time, so `connection.UA = connection.DetectRTC.browser` keeps working.
    expect(DetectRTC.browser).to.equal(browser);
  });

  it('detects capabilities by feature', () => {
    const supported = [
      'isWebRTCSupported',
      'isScreenCapturingSupported',
      'isDesktopCapturingSupported',
      'isMultiMonitorScreenCapturingSupported',
      'isGetUserMediaSupported',
      'isAudioContextSupported',
      'isCreateMediaStreamSourceSupported',
      'isSctpDataChannelsSupported',
      'isCanvasSupportsStreamCapturing',
      'isVideoSupportsStreamCapturing',
      'isSetSinkIdSupported',
      'isRTPSenderReplaceTracksSupported',
      'isRemoteStreamProcessingSupported',
      'isApplyConstraintsSupported',
      'isPromisesSupported',
      'isWebSocketsSupported',
    ] as const;
    for (const name of supported) expect(DetectRTC[name], name).to.equal(true);
    expect(DetectRTC.isRtpDataChannelsSupported).to.equal(false);
    expect(DetectRTC.isORTCSupported).to.equal(false);
    const { audio, video } = DetectRTC.supportedCodecs;
    expect(audio).to.include('audio/opus');
    expect(video).to.include.members(['video/VP8', 'video/VP9']);
    expect([...audio, ...video].some((m) => /rtx|red|ulpfec/i.test(m))).to.equal(false);
    expect(DetectRTC.RTCPeerConnection).to.include('createOffer');
    expect(DetectRTC.MediaStream).to.include('getTracks');
    expect(DetectRTC.displayResolution).to.match(/^\d+ x \d+$/);
    expect(DetectRTC.displayAspectRatio).to.match(/^\d+\.\d\d$/);
  });

  it('load() lists the fake devices; real labels and permissions follow getUserMedia', async () => {
    let called = false;
    await DetectRTC.load(() => {
      called = true;
    });
    expect(called).to.equal(true);
    expect(DetectRTC.hasWebcam).to.equal(true);
    expect(DetectRTC.hasMicrophone).to.equal(true);
    expect(DetectRTC.hasSpeakers).to.equal(true);
    expect(DetectRTC.MediaDevices.length).to.equal(
      DetectRTC.audioInputDevices.length +
        DetectRTC.audioOutputDevices.length +
        DetectRTC.videoInputDevices.length,
    );
    // Before permission (unless an earlier test file in this browser already had it), labels are
    // placeholders marked isCustomLabel.
    for (const device of DetectRTC.MediaDevices) {
      if (device.isCustomLabel) expect(device.label).to.match(/^(Camera|Microphone|Speaker) \d+$/);
      expect(device.id).to.equal(device.deviceId);
    }

    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    try {
      await DetectRTC.load();
      expect(DetectRTC.isWebsiteHasWebcamPermissions).to.equal(true);
      expect(DetectRTC.isWebsiteHasMicrophonePermissions).to.equal(true);
      expect(DetectRTC.MediaDevices.some((d) => d.isCustomLabel)).to.equal(false);
      const camera = stream.getVideoTracks()[0]?.label;
      expect(DetectRTC.videoInputDevices.map((d) => d.label)).to.include(camera);
      // Client Hints gave the unfrozen version.
      expect(DetectRTC.browser.fullVersion).to.match(/^\d+\.\d+\.\d+\.\d+$/);
    } finally {
      for (const track of stream.getTracks()) track.stop();
    }
  });

  it('detectMediaAvailability (documented by v3, missing there) reports the three flags', async () => {
    const fromCallback = await new Promise<MediaAvailability>((resolve) => {
      void DetectRTC.detectMediaAvailability(resolve);
    });
    expect(fromCallback).to.deep.equal({ hasWebcam: true, hasMicrophone: true, hasSpeakers: true });
    expect(await DetectRTC.detectMediaAvailability()).to.deep.equal(fromCallback);
  });

  it('checkWebSocketsSupport probes the signaling server, not a third party', async () => {
    await DetectRTC.checkWebSocketsSupport(undefined, signalingUrl);
    expect(DetectRTC.isWebSocketsBlocked).to.equal(false);
    expect(DetectRTC.WebsocketLatency).to.match(/^\d+ms$/);

    let called = false;
    // Nothing listens on the discard port: the socket fails at once.
    await DetectRTC.checkWebSocketsSupport(() => (called = true), 'ws://127.0.0.1:9/');
    expect(called).to.equal(true);
    expect(DetectRTC.isWebSocketsBlocked).to.equal(true);
  });

  it('DetectLocalIPAddress reports what a throwaway connection gathers, then ends', async () => {
    const calls: unknown[][] = [];
    const addresses = await DetectRTC.DetectLocalIPAddress((...args) => calls.push(args));
    expect(addresses.length).to.be.greaterThan(0);
    // One call per address, then one without arguments.
    expect(calls.length).to.equal(addresses.length + 1);
    expect(calls.at(-1)).to.deep.equal([]);
    // In the test namespace only loopback exists; the fake-UI flag shows raw IPs, not mDNS names.
    const loopback = calls.find((c) => c[0] === 'Local: 127.0.0.1');
    expect(loopback?.slice(1, 3)).to.deep.equal([false, true]);
    expect(loopback?.[3]).to.deep.include({
      address: '127.0.0.1',
      family: 'ipv4',
      candidateType: 'host',
    });
  });
});
