/**
 * RTCMultiConnection's default DOM behaviour, for pages that keep it: each stream as a playing
 * <video> (or <audio>) in `videosContainer`, each file as a progress bar and then a download link
 * in `filesContainer`. Every text is set as text, never as HTML.
 */

/** What `onFileStart` / `onFileProgress` / `onFileEnd` receive (v3's shape). */
export interface LegacyFile {
  uuid: string;
  name: string;
  size: number;
  type: string;
  maxChunks: number;
  currentPosition: number;
  userid: string;
  remoteUserId: string;
  extra: Record<string, unknown>;
  url?: string;
  file?: File;
}

/**
 * What a receiver's `onFileEnd` gets in v3: the received data as a Blob (not a File) with the
 * file's fields as its own properties (FileBufferReader merges them in and adds `url`), so pages
 * can hand it to `URL.createObjectURL()`, `FileReader` or an `<a download>`, and read
 * `name`, `size`, `userid`... from it as from v3's object.
 */
export function receivedBlob(file: Blob, fields: LegacyFile): Blob & LegacyFile {
  // A Blob over the same data (no copy).
  const blob = file.slice(0, file.size, file.type);
  for (const [key, value] of Object.entries({ ...fields, type: file.type, size: file.size })) {
    Object.defineProperty(blob, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return blob as Blob & LegacyFile;
}

/** A media element for a stream: muted when it is ours (no echo), with controls, playing. */
export function mediaElement(stream: MediaStream, local: boolean): HTMLMediaElement {
  const video = stream.getVideoTracks().length > 0;
  const element = document.createElement(video ? 'video' : 'audio');
  element.id = stream.id;
  element.autoplay = true;
  element.controls = true;
  element.muted = local;
  if (element instanceof HTMLVideoElement) element.playsInline = true;
  element.srcObject = stream;
  return element;
}

/** v3's default `onstream`: the element goes first in the container and plays. */
export function showStream(element: HTMLMediaElement, container: Element | null): void {
  if (!container || element.isConnected) return;
  container.insertBefore(element, container.firstChild);
  void element.play().catch(() => undefined);
}

/** v3's default `onstreamended`: the element goes. */
export function removeStream(element: HTMLMediaElement | undefined): void {
  if (!element) return;
  element.srcObject = null;
  element.remove();
}

const progressId = (file: LegacyFile) => `rtcmc-file-${file.uuid}-${file.remoteUserId}`;

/** v3's default `onFileStart`: a labelled progress bar in the files container. */
export function fileStarted(file: LegacyFile, container: Element | null, caption: string): void {
  if (!container) return;
  const id = progressId(file);
  if (document.getElementById(id)) return;
  const box = document.createElement('div');
  box.id = id;
  const label = document.createElement('span');
  label.textContent = caption;
  const bar = document.createElement('progress');
  bar.max = Math.max(1, file.maxChunks);
  bar.value = 0;
  box.append(label, ' ', bar);
  container.insertBefore(box, container.firstChild);
}

/** v3's default `onFileProgress`. */
export function fileProgressed(file: LegacyFile): void {
  const bar = document.getElementById(progressId(file))?.querySelector('progress');
  if (bar) bar.value = file.currentPosition;
}

/** v3's default `onFileEnd`: the bar becomes a download link (on the receiving side). */
export function fileEnded(file: LegacyFile): void {
  const box = document.getElementById(progressId(file));
  if (!box) return;
  box.textContent = '';
  if (file.url) {
    const link = document.createElement('a');
    link.href = file.url;
    link.download = file.name;
    link.textContent = file.name;
    box.append(link);
  } else box.textContent = `${file.name}: sent to ${file.remoteUserId}`;
}

/** Opens the browser's file picker; `callback` runs with the chosen file (`this` = the input). */
export function selectFile(callback: (this: HTMLInputElement, file: File) => void): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) callback.call(input, file);
  });
  input.click();
}
