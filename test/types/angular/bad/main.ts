// Must not compile: the marked line reads a field the event's detail does not have.
import 'rtc-elements/autoloader.js';
import { Component, CUSTOM_ELEMENTS_SCHEMA } from '@angular/core';

@Component({
  selector: 'app-meeting',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `<rtc-room (rtc-joined)="joined($event.detail.roomName)"></rtc-room>`,
})
export class MeetingComponent {
  joined(roomId: string) {
    console.log(roomId);
  }
}
