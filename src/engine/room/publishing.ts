import { ErrorCode, RtcError } from '../errors.js';
import type { TrackKind } from '../media/local-media.js';
import type { RoomCore } from './core.js';
import { RoomState, type AddStreamOptions, type MuteKind } from './types.js';

type Room = Pick<
  RoomCore,
  | 'media'
  | 'mesh'
  | 'streams'
  | 'roster'
  | 'options'
  | 'userId'
  | 'state'
  | 'relay'
  | 'participantIds'
  | 'connectedUserIds'
>;

/**
 * What this page sends: its streams (captured, given or screens), which peers get them, track
 * replacement, devices, mute. Local streams are shown as they come and go, and the mesh's senders
 * follow them.
 */
export class Publishing {
  readonly #room: Room;
  readonly #media: Room['media'];
  /** Settles when the peers' senders have followed the last device switch. */
  #following: Promise<unknown> = Promise.resolve();

  constructor(room: Room) {
    this.#room = room;
    const { media, streams } = room;
    this.#media = media;
    media.on('added', (local) => {
      // A relayed broadcast stream is shown as the broadcaster's (BroadcastRelay).
      if (!local.relayed)
        streams.add({
          userId: room.userId,
          stream: local.stream,
          isScreen: local.isScreen,
          type: 'local',
        });
      room.mesh?.attachLocalStreams();
    });
    media.on('removed', (local) => {
      room.mesh?.detachStream(local.stream);
      streams.remove('local', room.userId, local.stream);
      // Peers drop the tile now, before the renegotiation that removes the tracks.
      if (room.state !== RoomState.JOINED) return;
      for (const userId of room.participantIds()) {
        room.relay(userId, { streamSyncNeeded: true, streamid: local.stream.id, action: 'ended' });
      }
    });
    media.on('track-replaced', ({ previous, track }) => {
      const peers = room.mesh?.select() ?? [];
      this.#following = Promise.allSettled(peers.map((peer) => peer.followTrack(previous, track)));
    });
  }

  async addStream(
    source: MediaStream | AddStreamOptions,
    userId?: string,
    given: { isScreen?: boolean } = {},
  ): Promise<MediaStream> {
    const media = this.#media;
    const options = this.#room.options;
    const targets = userId === undefined ? undefined : [userId];
    if (isMediaStream(source)) {
      const known = media.streams.find((l) => l.stream === source);
      if (known && userId !== undefined) {
        known.targets ??= new Set();
        known.targets.add(userId);
        this.#room.mesh?.attachLocalStreams();
        return source;
      }
      return media.add(source, {
        ...(targets ? { targets } : {}),
        isScreen: given.isScreen === true,
      }).stream;
    }
    if (source.screen) {
      const screen = await media.startScreen({
        ...(targets ? { targets } : {}),
        constraints: options.screenConstraints,
      });
      if (!screen) throw new RtcError(ErrorCode.ABORTED, 'Screen sharing was cancelled');
      return screen.stream;
    }
    const [captured] = await media.capture({
      audio: !!source.audio,
      video: !!source.video,
      screen: false,
      constraints: options.mediaConstraints,
      targets,
    });
    if (!captured) throw new RtcError(ErrorCode.INVALID_STATE, 'Nothing to capture');
    this.#room.mesh?.attachLocalStreams();
    return captured.stream;
  }

  removeStream(streamId: string, userId?: string): void {
    const local = this.#media.streams.find((l) => l.stream.id === streamId);
    if (!local) throw new RtcError(ErrorCode.INVALID_STATE, `No local stream "${streamId}"`);
    if (userId === undefined) {
      this.#media.remove(streamId);
      return;
    }
    local.targets ??= new Set(this.#room.connectedUserIds());
    local.targets.delete(userId);
    this.#room.mesh?.detachStream(local.stream, [userId]);
  }

  async renegotiate(userId?: string): Promise<void> {
    const peers = this.#room.mesh?.select(userId === undefined ? undefined : [userId]) ?? [];
    await Promise.all(peers.map((p) => p.renegotiate()));
  }

  async replaceTrack(
    source: MediaStreamTrack | MediaStream | { screen: true },
    userId?: string,
  ): Promise<MediaStreamTrack> {
    let track: MediaStreamTrack | undefined;
    if (isMediaStream(source)) track = source.getVideoTracks()[0] ?? source.getAudioTracks()[0];
    else if ('kind' in source) track = source;
    else {
      const screen = await this.#media.startScreen({
        add: false,
        constraints: this.#room.options.screenConstraints,
      });
      if (!screen) throw new RtcError(ErrorCode.ABORTED, 'Screen sharing was cancelled');
      track = screen.stream.getVideoTracks()[0];
    }
    if (!track) throw new RtcError(ErrorCode.INVALID_REQUEST, 'No track to send');
    const kind = track.kind as TrackKind;
    const peers = this.#room.mesh?.select(userId === undefined ? undefined : [userId]) ?? [];
    await Promise.all(peers.map((peer) => peer.replaceTrack(kind, track)));
    return track;
  }

  async resetTrack(userIds?: string | string[], kind?: TrackKind): Promise<void> {
    const ids = typeof userIds === 'string' ? [userIds] : userIds;
    const kinds: TrackKind[] = kind ? [kind] : ['audio', 'video'];
    const peers = this.#room.mesh?.select(ids) ?? [];
    await Promise.all(peers.flatMap((peer) => kinds.map((k) => peer.resetTrack(k))));
  }

  async switchDevice(kind: TrackKind, deviceId: string): Promise<void> {
    const current = this.#room.options.mediaConstraints?.[kind];
    await this.#media.switchDevice(
      kind,
      deviceId,
      typeof current === 'object' ? current : undefined,
    );
    // Resolve once every peer's sender carries the new track.
    await this.#following;
  }

  async shareScreen(): Promise<boolean> {
    const constraints = this.#room.options.screenConstraints;
    return (await this.#media.startScreen({ constraints })) !== undefined;
  }

  async setMuted(kind: MuteKind, muted: boolean): Promise<void> {
    const kinds: TrackKind[] = kind === 'both' ? ['audio', 'video'] : [kind];
    this.#media.setEnabled(kinds, !muted);
    // Pausing the encodings is what stops the bits: a disabled track still sends black frames.
    const paused = Promise.allSettled(
      (this.#room.mesh?.select() ?? []).map((peer) => peer.pause(kinds, muted)),
    );
    this.#room.roster.setMuted(this.#room.userId, kind, muted);
    for (const userId of this.#room.participantIds()) this.#sendMuteState(userId, kind, muted);
    await paused;
  }

  /** A new connection learns our mute state once (its senders pause what we muted). */
  newPeer(userId: string): void {
    const { audio, video } = this.#room.roster.muteState(this.#room.userId);
    const kinds = (['audio', 'video'] as const).filter((k) => (k === 'audio' ? audio : video));
    if (kinds.length > 0) void this.#room.mesh?.peers.get(userId)?.pause(kinds, true);
    const kind: MuteKind | undefined =
      audio && video ? 'both' : audio ? 'audio' : video ? 'video' : undefined;
    if (kind) this.#sendMuteState(userId, kind, true);
  }

  #sendMuteState(userId: string, kind: MuteKind, muted: boolean): void {
    const streamid = this.#media.camera?.stream.id ?? '';
    this.#room.relay(userId, {
      streamSyncNeeded: true,
      streamid,
      action: muted ? 'mute' : 'unmute',
      type: kind,
    });
  }
}

function isMediaStream(value: unknown): value is MediaStream {
  return typeof MediaStream !== 'undefined' && value instanceof MediaStream;
}
