import { isDataOnly } from '../media/session.js';
import { Mesh } from '../peers/mesh.js';
import type { RoomCore } from './core.js';
import type { Publishing } from './publishing.js';
import type { Reconnection } from './reconnection.js';
import type { UserPreferences } from './types.js';

/**
 * A new mesh of peer connections for the room (one per join), and what the room does with each
 * of its events: who is in the room, their streams, extras, mute, messages and files. The
 * subscriptions end with the mesh (`RoomCore.closeSignaling`).
 */
export function createMesh(
  room: RoomCore,
  publishing: Pick<Publishing, 'newPeer'>,
  reconnection: Pick<Reconnection, 'heard'>,
): Mesh {
  const options = () => room.options;
  const mesh = new Mesh({
    localUserId: () => room.userId,
    iceServers: () => options().iceServers ?? room.iceServers,
    iceTransportPolicy: () => options().iceTransportPolicy,
    localStreams: () => room.media.streams,
    preferences: (userId) => preferences(room, userId),
    acceptStream: (stream, userId) => options().beforeAddingStream?.(stream, userId) ?? true,
    codecs: () => options().codecs ?? {},
    processSdp: options().processSdp ? (sdp) => options().processSdp?.(sdp) ?? sdp : undefined,
    mediaReady: () => room.mediaReady,
    media: () => !isDataOnly(room.session),
    bandwidth: () => options().bandwidth ?? {},
    extra: () => room.extra,
    relay: (remoteUserId, message) => room.relay(remoteUserId, message),
    admit: (userId) => options().admitPeer?.(userId) ?? true,
  });
  room.mesh = mesh;
  const { roster, streams, relayTree, files, emit } = room;
  room.subscriptions.push(
    mesh.on('participation-request', ({ userId, extra }) => {
      // In a scalable broadcast, who asks us to connect is a viewer below us.
      if (relayTree.parent !== undefined) relayTree.addChild(userId);
      reconnection.heard(userId);
      room.addParticipant(userId, extra);
    }),
    mesh.on('user-left', ({ userId }) => room.removeParticipant(userId)),
    mesh.on('extra', ({ userId, extra }) => roster.update(userId, extra)),
    mesh.on('renamed', ({ userId, previous }) => {
      relayTree.rename(previous, userId);
      const shown = streams.rename('remote', previous, userId);
      // A broadcast's viewers show the broadcaster's streams without knowing it as a
      // participant: they hear of its new id all the same.
      if (!roster.rename(previous, userId) && shown)
        emit('participant-renamed', { userId, previous });
    }),
    mesh.on('mute', ({ userId, kind }) => roster.setMuted(userId, kind, true)),
    mesh.on('unmute', ({ userId, kind }) => roster.setMuted(userId, kind, false)),
    mesh.on('channel-open', (event) => emit('channel-open', event)),
    mesh.on('peer-closed', (event) => emit('peer-closed', event)),
    mesh.on('peer-created', ({ userId, pc }) => {
      emit('peer-connection', { userId, pc });
      publishing.newPeer(userId);
    }),
    mesh.on('stream', ({ userId, stream, isScreen }) => {
      if (!relayTree.streamStarted(userId, stream, isScreen))
        streams.add({ userId, stream, isScreen, type: 'remote' });
    }),
    mesh.on('stream-ended', ({ userId, stream }) => {
      if (!relayTree.streamEnded(userId, stream)) streams.remove('remote', userId, stream);
    }),
    mesh.on('message', (message) => {
      // RTCMultiConnection pages send file records on their text channel.
      if (!files.receiveLegacy(message.userId, message.data)) emit('message', message);
    }),
    mesh.on('file-channel', ({ userId, channel, pc }) => files.attach(userId, channel, pc)),
    mesh.on('peer-state', (event) => emit('peer-state', event)),
    mesh.on('error', (error) => emit('error', error)),
  );
  return mesh;
}

/** Whether we send to and receive from a user (the app's `setUserPreferences`). */
function preferences(room: RoomCore, userId: string): { send: boolean; receive: boolean } {
  const base: UserPreferences = {
    dontAttachLocalStream: !!room.options.dontAttachStream,
    dontGetRemoteStream: !!room.options.dontGetRemoteStream,
  };
  const chosen = room.options.setUserPreferences?.(base, userId) ?? base;
  return { send: !chosen.dontAttachLocalStream, receive: !chosen.dontGetRemoteStream };
}
