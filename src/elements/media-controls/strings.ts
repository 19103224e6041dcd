/** What `<rtc-media-controls>` shows, in English (see `setStrings`). */
export const MEDIA_CONTROLS = {
  toolbar: 'Call controls',
  mute: 'Mute microphone',
  cameraOff: 'Camera off',
  camera: 'Camera',
  microphone: 'Microphone',
  speaker: 'Speaker',
  device: '{kind} {number}',
  leave: 'Leave',
  // Announced when its buttons mute or unmute you (others' mutes: `<rtc-room>`).
  sayMicMuted: 'Microphone muted',
  sayMicOn: 'Microphone on',
  sayCameraOff: 'Camera off',
  sayCameraOn: 'Camera on',
};
