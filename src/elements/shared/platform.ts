/** `navigator.mediaDevices`, which is missing outside secure contexts whatever the DOM types say. */
export function mediaDevices(): MediaDevices | undefined {
  return (globalThis.navigator as Navigator | undefined)?.mediaDevices;
}
