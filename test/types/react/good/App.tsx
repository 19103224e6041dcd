// Must type-check: what a React 19 app writes with rtc-elements.
import type {} from 'rtc-elements/react';
import { useState } from 'react';

export function Meeting() {
  const [people, setPeople] = useState<string[]>([]);
  return (
    <rtc-room
      roomId="team"
      maxParticipants={4}
      extra={{ name: 'Ada' }}
      iceServers={[{ urls: 'stun:stun.example.com' }]}
      className="meeting"
      onrtc-joined={(event) => console.log(event.detail.roomId, event.detail.opened)}
      onrtc-participant-joined={(event) => setPeople([...people, event.detail.userId])}
      onrtc-error={(event) => console.warn(event.detail.code, event.detail.message)}
    >
      <rtc-video-grid showStats noLocalPreview={false} />
      <rtc-chat maxMessages={50} placeholder="Say hello" />
      <rtc-file-share maxSize={10_000_000} onrtc-error={(event) => event.detail.transfer?.name} />
    </rtc-room>
  );
}
