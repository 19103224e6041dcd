/** What `<rtc-screen-button>` shows, in English (see `setStrings`); its slot replaces it. */
export const SCREEN_BUTTON = {
  share: 'Share screen',
};
