/** What `<rtc-video-grid>` shows, in English (see `setStrings`). */
export const VIDEO_GRID = {
  you: '{name} (you)',
  screen: '{name} (screen)',
  reconnecting: 'Reconnecting…',
  enableSound: 'Enable sound',
};
