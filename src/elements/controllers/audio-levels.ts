import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** RMS level (0..1) above which a stream counts as speaking. */
const SPEAKING_LEVEL = 0.02;
/** How long speaking holds after the level drops, so the indicator does not flicker. */
const HOLD_MS = 400;
/** Polls often and reads a long window (2048 samples, ~43 ms), so short sounds are not missed. */
const POLL_MS = 50;
const WINDOW = 2048;

let sharedContext: AudioContext | undefined;

/** One AudioContext for the page, resumed on the first user gesture if the browser suspended it. */
function audioContext(): AudioContext | undefined {
  if (sharedContext) return sharedContext;
  if (typeof AudioContext === 'undefined') return undefined;
  sharedContext = new AudioContext();
  if (sharedContext.state === 'suspended') {
    const resume = () => void sharedContext?.resume();
    for (const type of ['pointerdown', 'keydown'])
      addEventListener(type, resume, { once: true, capture: true });
  }
  return sharedContext;
}

interface Meter {
  stream: MediaStream;
  /** Chromium feeds a remote WebRTC stream to Web Audio only while a media element plays it. */
  sink: HTMLAudioElement;
  source: MediaStreamAudioSourceNode;
  analyser: AnalyserNode;
  samples: Float32Array<ArrayBuffer>;
  lastLoud: number;
}

/**
 * Tracks who is speaking from the audio level of their streams (Web Audio analysers, polled twenty
 * times a second while the host is connected). The host re-renders only when the set changes.
 */
export class AudioLevelsController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #meters = new Map<string, Meter>();
  #speaking = new Set<string>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Whether the user is speaking now. */
  isSpeaking(userId: string): boolean {
    return this.#speaking.has(userId);
  }

  /** Measures exactly these streams (one per user: the one carrying its microphone). */
  observe(streams: ReadonlyMap<string, MediaStream>): void {
    for (const [userId, meter] of this.#meters) {
      if (streams.get(userId) !== meter.stream) this.#stop(userId);
    }
    const context = audioContext();
    if (!context) return;
    for (const [userId, stream] of streams) {
      if (this.#meters.has(userId) || stream.getAudioTracks().length === 0) continue;
      const sink = new Audio();
      sink.muted = true;
      sink.srcObject = stream;
      void sink.play().catch(() => undefined);
      const source = context.createMediaStreamSource(stream);
      const analyser = context.createAnalyser();
      analyser.fftSize = WINDOW;
      source.connect(analyser);
      this.#meters.set(userId, {
        stream,
        sink,
        source,
        analyser,
        samples: new Float32Array(analyser.fftSize),
        lastLoud: 0,
      });
    }
    if (this.#meters.size > 0) this.#start();
    else this.#pause();
  }

  hostConnected(): void {
    if (this.#meters.size > 0) this.#start();
  }

  hostDisconnected(): void {
    this.#pause();
    for (const userId of [...this.#meters.keys()]) this.#stop(userId);
    this.#speaking = new Set();
  }

  #start(): void {
    this.#timer ??= setInterval(() => this.#poll(), POLL_MS);
  }

  #pause(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #poll(): void {
    const now = Date.now();
    const speaking = new Set<string>();
    for (const [userId, meter] of this.#meters) {
      meter.analyser.getFloatTimeDomainData(meter.samples);
      let sum = 0;
      for (const sample of meter.samples) sum += sample * sample;
      if (Math.sqrt(sum / meter.samples.length) > SPEAKING_LEVEL) meter.lastLoud = now;
      if (now - meter.lastLoud < HOLD_MS) speaking.add(userId);
    }
    const changed =
      speaking.size !== this.#speaking.size || [...speaking].some((id) => !this.#speaking.has(id));
    this.#speaking = speaking;
    if (changed) this.#host.requestUpdate();
  }

  #stop(userId: string): void {
    const meter = this.#meters.get(userId);
    if (!meter) return;
    meter.source.disconnect();
    meter.sink.pause();
    meter.sink.srcObject = null;
    this.#meters.delete(userId);
    this.#speaking.delete(userId);
  }
}
