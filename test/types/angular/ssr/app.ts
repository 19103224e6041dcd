// Rendered on the server by test/node/ssr-frameworks.test.ts: a string attribute with
// [attr.room-id], objects as properties, an event typed by the element's declarations.
import 'rtc-elements/room.js';
import 'rtc-elements/video-grid.js';
import { Component, CUSTOM_ELEMENTS_SCHEMA } from '@angular/core';

@Component({
  selector: 'app-root',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <rtc-room
      [attr.room-id]="roomId"
      [extra]="extra"
      [iceServers]="iceServers"
      (rtc-joined)="joined($event.detail.roomId)"
    >
      <rtc-video-grid></rtc-video-grid>
    </rtc-room>
  `,
})
export class App {
  roomId = 'team';
  extra = { name: 'Ada' };
  iceServers: RTCIceServer[] = [{ urls: 'stun:stun.example.com' }];
  joined(roomId: string): void {
    console.log(roomId);
  }
}
