// Must compile with strict templates: an Angular app that loads the elements through the
// autoloader, with no other import of rtc-elements, gets their events typed.
import 'rtc-elements/autoloader.js';
import { Component, CUSTOM_ELEMENTS_SCHEMA } from '@angular/core';

@Component({
  selector: 'app-meeting',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <rtc-room
      room-id="team"
      [maxParticipants]="4"
      [extra]="{ name: 'Ada' }"
      [attr.user-id]="userId"
      (rtc-joined)="joined($event.detail.roomId, $event.detail.opened)"
      (rtc-participant-joined)="people.push($event.detail.userId)"
      (rtc-error)="failed($event.detail.code)"
    >
      <rtc-video-grid></rtc-video-grid>
    </rtc-room>
  `,
})
export class MeetingComponent {
  userId = 'ada';
  people: string[] = [];
  joined(roomId: string, opened: boolean) {
    console.log(roomId, opened);
  }
  failed(code: string) {
    console.warn(code);
  }
}
