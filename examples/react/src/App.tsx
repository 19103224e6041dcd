// Typed tags: <rtc-room> and <rtc-video-grid> with their properties and onrtc-* handlers.
import type {} from 'rtc-elements/react';
// Only the elements this app uses: each module defines its tag.
import 'rtc-elements/room.js';
import 'rtc-elements/video-grid.js';
import { useState } from 'react';

const params = new URLSearchParams(location.search);
const roomId = params.get('room') ?? 'example';
// The signaling server (npx rtc-elements-server, or npm start in the rtc-elements repository).
const socketUrl = params.get('signal') ?? 'http://127.0.0.1:9001';
// Objects are properties: made once, so a re-render does not hand the room a new object.
const extra = { name: params.get('name') ?? 'React user' };
const iceServers: RTCIceServer[] = []; // STUN/TURN servers; none are needed on one machine

export function App() {
  const [status, setStatus] = useState('connecting');
  const [people, setPeople] = useState<Record<string, string>>({});
  return (
    <main>
      <p id="status">{status}</p>
      <ul id="people">
        {Object.entries(people).map(([userId, name]) => (
          <li key={userId}>{name}</li>
        ))}
      </ul>
      <rtc-room
        roomId={roomId}
        socketUrl={socketUrl}
        extra={extra}
        iceServers={iceServers}
        onrtc-joined={(event) => setStatus(`joined ${event.detail.roomId}`)}
        onrtc-participant-joined={({ detail }) =>
          setPeople((now) => ({
            ...now,
            [detail.userId]: String(detail.extra.name ?? detail.userId),
          }))
        }
        onrtc-participant-left={({ detail }) =>
          setPeople(({ [detail.userId]: _gone, ...rest }) => rest)
        }
        onrtc-error={(event) => setStatus(`${event.detail.code}: ${event.detail.message}`)}
      >
        <rtc-video-grid />
      </rtc-room>
    </main>
  );
}
