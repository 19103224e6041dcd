import { isOneWay } from '../media/session.js';
import {
  DEFAULT_MESSAGE_EVENT,
  PROTOCOL_REVISION,
  isRecord,
  type HandshakeQuery,
} from '../../protocol/index.js';
import { SignalingClient } from '../signaling/socket-client.js';
import type { RoomCore } from './core.js';
import type { Reconnection } from './reconnection.js';
import { RoomState } from './types.js';

/**
 * A signaling connection to the room's current URL (with our resume secret when `resume`), and
 * the table of what the room does with each event of the server. It becomes the room's
 * connection; its subscriptions end with it (`RoomCore.dropSocket`).
 */
export function openSignaling(
  room: RoomCore,
  resume: boolean,
  reconnection: Pick<
    Reconnection,
    'lost' | 'nextConnection' | 'session' | 'elsewhere' | 'announced'
  >,
): SignalingClient {
  const options = room.options;
  const { url, resumeToken } = reconnection.nextConnection(resume);
  // With a room token the server knows us by its subject: so do we.
  if (options.token) room.userId = tokenSubject(options.token) ?? room.userId;
  const query: HandshakeQuery & Record<string, string> = {
    ...options.query,
    ...(options.token ? { token: options.token } : {}),
    ...(resumeToken ? { resume: resumeToken } : {}),
    userid: room.userId,
    sessionid: room.roomId,
    msgEvent: options.messageEvent ?? DEFAULT_MESSAGE_EVENT,
    socketCustomEvent: room.customEvent(),
    autoCloseEntireSession: options.autoClose ? 'true' : 'false',
    maxParticipantsAllowed: String(options.maxParticipants ?? 1000),
    extra: JSON.stringify(room.extra),
    rtcElements: String(PROTOCOL_REVISION),
  };
  if (room.session.broadcast) query.oneToMany = 'true';
  const signaling = new SignalingClient({
    url,
    query,
    messageEvent: query.msgEvent,
    timeoutMs: options.timeoutMs,
  });
  room.signaling = signaling;
  const { roomId, roster, relayTree, emit } = room;
  room.socketSubscriptions.push(
    signaling.on('relay', (envelope) => {
      if (isRecord(envelope) && envelope.remoteUserId === room.userId) room.mesh?.handle(envelope);
    }),
    signaling.on('lost', ({ reason }) => reconnection.lost(reason)),
    signaling.onServer('session', (info) => reconnection.session(info)),
    signaling.onServer('reconnect-elsewhere', (info) => reconnection.elsewhere(info)),
    signaling.onServer('broadcast-parent', (id, parent) => {
      if (id === roomId && typeof parent === 'string' && parent !== room.userId)
        relayTree.setParent(parent);
    }),
    signaling.onServer('number-of-broadcast-viewers-updated', (info) => {
      if (isRecord(info) && typeof info.numberOfBroadcastViewers === 'number')
        emit('broadcast-viewers', {
          broadcastId: info.broadcastId,
          count: info.numberOfBroadcastViewers,
        });
    }),
    signaling.onServer('ice-servers', (servers) => {
      if (Array.isArray(servers)) room.iceServers = servers;
    }),
    signaling.onServer('user-connected', (userId, extra) => {
      if (typeof userId !== 'string') return;
      reconnection.announced(userId);
      room.addParticipant(userId, isRecord(extra) ? extra : undefined);
      // While we join a mesh, the members announced to us are the ones our request reaches,
      // and each will offer: their connections get ready while the request travels.
      if (room.state === RoomState.CONNECTING && !isOneWay(room.session))
        room.mesh?.expectOffer(userId);
    }),
    signaling.onServer('user-disconnected', (userId) => room.removeParticipant(userId)),
    signaling.onServer('extra-data-updated', (userId, extra) => {
      if (isRecord(extra)) roster.update(userId, extra);
    }),
    // v3's owner notice; rtc-elements pages announce the change from `owner-changed`.
    signaling.onServer('set-isInitiator-true', (id) => {
      if (id === roomId) roster.setOwner(room.userId, false);
    }),
    signaling.onServer('room-info', (id, info) => {
      if (id === roomId && isRecord(info) && typeof info.owner === 'string')
        roster.setOwner(info.owner, false);
    }),
    signaling.onServer('owner-changed', (id, userId) => {
      if (id !== roomId || typeof userId !== 'string') return;
      roster.setOwner(userId, false);
      emit('owner-changed', { userId });
    }),
    signaling.onServer('participation-request', (userId, extra) => {
      if (typeof userId === 'string') room.admission.asked(userId, isRecord(extra) ? extra : {});
    }),
    signaling.onServer('kicked', (id, by) => {
      if (id !== roomId || room.state === RoomState.LEFT) return;
      emit('kicked', { roomId, by: String(by as unknown) });
      room.end();
    }),
    signaling.onServer('closed-entire-session', (id) => {
      // Also while still connecting: the server has already taken us out of the room.
      if (id !== roomId || room.state === RoomState.LEFT) return;
      // A scalable broadcast closes when its broadcaster leaves.
      if (relayTree.parent !== undefined) emit('broadcast-ended', { broadcastId: id });
      emit('session-closed', { roomId });
      room.end();
    }),
    signaling.onCustom(room.customEvent(), (data) => emit('custom-message', { data })),
  );
  return signaling;
}

/** The `sub` claim of a JWT (read, not verified: the server verifies it). */
function tokenSubject(token: string): string | undefined {
  try {
    const payload = token.split('.')[1] ?? '';
    const claims: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    const sub = (claims as { sub?: unknown }).sub;
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}
