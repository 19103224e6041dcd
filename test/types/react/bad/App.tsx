// Must not type-check: each marked line has one mistake.
import type {} from 'rtc-elements/react';

export const misspelledTag = <rtc-rom roomId="team" />; // MISTAKE tag
export const wrongProperty = <rtc-room maxParticipants="four" />; // MISTAKE property
export const wrongDetail = <rtc-room onrtc-joined={(event) => event.detail.roomName} />; // MISTAKE detail
