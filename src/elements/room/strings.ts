/**
 * What `<rtc-room>` announces to screen readers, in English (see `setStrings`): who joins and
 * leaves, and others' mutes.
 */
export const ROOM = {
  joined: '{name} joined',
  left: '{name} left',
  audioOff: '{name}: microphone muted',
  audioOn: '{name}: microphone on',
  videoOff: '{name}: camera off',
  videoOn: '{name}: camera on',
  bothOff: '{name}: microphone and camera off',
  bothOn: '{name}: microphone and camera on',
};
