/** What `<rtc-user-status>` shows, in English (see `setStrings`). */
export const USER_STATUS = {
  list: 'People in the room',
  you: '(you)',
  online: 'online',
  offline: 'offline',
  owner: 'owner',
  micMuted: 'microphone muted',
  micOn: 'microphone on',
  cameraOff: 'camera off',
  cameraOn: 'camera on',
  speaking: 'speaking',
};
