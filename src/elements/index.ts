/**
 * rtc-elements: WebRTC rooms as custom elements. Loading this module registers every element.
 *
 *   <script type="module" src="https://your-server/dist/rtc-elements.js"></script>
 *   <rtc-room room-id="demo"><rtc-video-grid></rtc-video-grid></rtc-room>
 */
export { RtcRoom } from './room/rtc-room.js';
export { RtcVideoGrid } from './video-grid/rtc-video-grid.js';
export { RtcUserStatus } from './user-status/rtc-user-status.js';
export { RtcChat, type ChatMessage } from './chat/rtc-chat.js';
export { RtcScreenButton } from './screen-button/rtc-screen-button.js';
export { RtcMediaControls } from './media-controls/rtc-media-controls.js';
export { RtcFileShare } from './file-share/rtc-file-share.js';
export type { Transfer, TransferState } from './file-share/transfer-list.js';
export { RoomController } from './controllers/room-controller.js';
export { displayName } from './shared/names.js';
export {
  setStrings,
  type ElementStrings,
  type Phrase,
  type StringTables,
  type Strings,
} from './shared/strings.js';
export { roomContext } from './context.js';
export type { RtcEventDetails, RtcEventName, RtcEvent } from './events/events.js';
export * from '../engine/index.js';
