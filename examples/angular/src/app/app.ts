// Only the elements this app uses: each module defines its tag, and its declarations type the
// elements' events for the template checker ($event.detail below).
import 'rtc-elements/room.js';
import 'rtc-elements/video-grid.js';
import { Component, CUSTOM_ELEMENTS_SCHEMA, signal } from '@angular/core';

const params = new URLSearchParams(location.search);

@Component({
  selector: 'app-root',
  // rtc-* tags are custom elements, not Angular components.
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <main>
      <p id="status">{{ status() }}</p>
      <ul id="people">
        @for (person of people(); track person.userId) {
          <li>{{ person.name }}</li>
        }
      </ul>
      <!-- [property] sets the element's property; [attr.room-id] would set the attribute. -->
      <rtc-room
        [roomId]="roomId"
        [socketUrl]="socketUrl"
        [extra]="extra"
        [iceServers]="iceServers"
        (rtc-joined)="status.set('joined ' + $event.detail.roomId)"
        (rtc-participant-joined)="add($event.detail.userId, $event.detail.extra['name'])"
        (rtc-participant-left)="remove($event.detail.userId)"
        (rtc-error)="status.set($event.detail.code + ': ' + $event.detail.message)"
      >
        <rtc-video-grid></rtc-video-grid>
      </rtc-room>
    </main>
  `,
})
export class App {
  readonly roomId = params.get('room') ?? 'example';
  // The signaling server (npx rtc-elements-server, or npm start in the rtc-elements repository).
  readonly socketUrl = params.get('signal') ?? 'http://127.0.0.1:9001';
  readonly extra = { name: params.get('name') ?? 'Angular user' };
  readonly iceServers: RTCIceServer[] = []; // STUN/TURN servers; none are needed on one machine
  readonly status = signal('connecting');
  readonly people = signal<Array<{ userId: string; name: string }>>([]);

  add(userId: string, name: unknown): void {
    this.people.update((now) => [...now, { userId, name: String(name ?? userId) }]);
  }

  remove(userId: string): void {
    this.people.update((now) => now.filter((person) => person.userId !== userId));
  }
}
