import {
  INVALID_PAYLOAD,
  LEGACY_ERRORS,
  type ClientToServerEvents,
  type PresenceExtra,
} from '../../src/protocol/index.js';
import type { AckFn, SignalingSocket } from '../types.js';
import type { HubContext } from '../context.js';
import type { Undo } from '../undo.js';
import { viewerCount } from './broadcast.js';
import { checkBroadcastPresence, joinBroadcast } from './legacy-broadcast.js';
import {
  closeEntireSession,
  disconnectWith,
  kickUser,
  participationDecision,
} from './moderation.js';
import { isValidPassword, setPassword } from './passwords.js';
import { custom, relay } from './relay.js';
import { checkPresence, getPublicRooms, joinRoom, openRoom } from './rooms.js';
import { changeUserId, remoteExtra, updateExtra } from './users.js';

/** One request as a handler gets it: how to answer, where to record what to undo, its name. */
export interface Call {
  ack: AckFn;
  undo: Undo;
  event: string;
}

/** A request type: how to handle it, and its ack when it fails (with the reason's string). */
export interface Handler {
  handle(ctx: HubContext, socket: SignalingSocket, call: Call, ...args: unknown[]): unknown;
  failure(reason: string): unknown[];
}

const fails = (reason: string): unknown[] => [false, reason];
const absent: PresenceExtra = { _room: { isFull: false, isPasswordProtected: false } };

/**
 * Every client-to-server event the server handles, with its handler (server/handlers/) and the
 * ack it gets when the handler fails (v3 clients read those shapes). Keyed by the event map, so an
 * event cannot be forgotten or misspelt here. Shared by every socket.
 */
export const HANDLERS: { [E in keyof ClientToServerEvents]: Handler } = {
  'open-room': {
    handle: (ctx, socket, { ack, undo }, payload) => openRoom(ctx, socket, payload, ack, undo),
    failure: fails,
  },
  'join-room': {
    handle: (ctx, socket, { ack, undo }, payload) => joinRoom(ctx, socket, payload, ack, undo),
    failure: fails,
  },
  'check-presence': {
    handle: (ctx, socket, { ack }, roomId) => checkPresence(ctx, socket, roomId, ack),
    failure: () => [false, '', absent],
  },
  'get-public-rooms': {
    handle: (ctx, socket, { ack }, identifier) => getPublicRooms(ctx, socket, identifier, ack),
    failure: (reason) => [null, reason],
  },
  'get-number-of-users-in-specific-broadcast': {
    handle: (ctx, socket, { ack }, id) => viewerCount(ctx, socket, id, ack),
    failure: () => [0],
  },
  'set-password': {
    handle: (ctx, socket, { ack, undo }, password) => setPassword(ctx, socket, password, ack, undo),
    failure: (reason) => [false, null, reason],
  },
  'is-valid-password': {
    handle: (ctx, socket, { ack }, password, roomId) =>
      isValidPassword(ctx, socket, password, roomId, ack),
    failure: (reason) => [false, '', reason],
  },
  'extra-data-updated': {
    handle: (ctx, socket, { undo }, extra) => updateExtra(ctx, socket, extra, undo),
    failure: fails,
  },
  'get-remote-user-extra-data': {
    handle: (ctx, socket, { ack }, userId) => remoteExtra(ctx, socket, userId, ack),
    failure: () => [LEGACY_ERRORS.USERID_NOT_AVAILABLE],
  },
  'changed-uuid': {
    handle: (ctx, socket, { ack, undo }, userId) => changeUserId(ctx, socket, userId, ack, undo),
    failure: fails,
  },
  'close-entire-session': {
    handle: (ctx, socket, { ack }) => closeEntireSession(ctx, socket, ack),
    failure: fails,
  },
  'kick-user': {
    handle: (ctx, socket, { ack }, userId) => kickUser(ctx, socket, userId, ack),
    failure: fails,
  },
  'disconnect-with': {
    handle: (ctx, socket, { ack }, userId) => disconnectWith(ctx, socket, userId, ack),
    failure: () => [],
  },
  'participation-decision': {
    handle: (ctx, socket, _call, userId, accepted) =>
      participationDecision(ctx, socket, userId, accepted),
    failure: fails,
  },
  // RTCMultiConnection 3.7's scalable broadcast (legacy-broadcast.ts).
  'check-broadcast-presence': {
    handle: (ctx, socket, { ack }, broadcastId) =>
      checkBroadcastPresence(ctx, socket, broadcastId, ack),
    failure: () => [false],
  },
  'join-broadcast': {
    handle: (ctx, socket, { undo }, request) => joinBroadcast(ctx, socket, request, undo),
    failure: fails,
  },
  'can-relay-broadcast': { handle: () => undefined, failure: fails },
  'can-not-relay-broadcast': { handle: () => undefined, failure: fails },
  'scalable-broadcast-message': {
    handle: (ctx, socket, _call, message) =>
      custom(ctx, socket, 'scalable-broadcast-message', message),
    failure: fails,
  },
};

/** The socket's relay event (its name is the socket's own `msgEvent`). */
export const RELAY: Handler = {
  handle: (ctx, socket, { ack }, envelope) => relay(ctx, socket, envelope, ack),
  failure: fails,
};

/** A custom event of the socket (its handshake's, or one it added). */
export const CUSTOM: Handler = {
  handle: (ctx, socket, { event }, message) => custom(ctx, socket, event, message),
  failure: fails,
};

/** The failure ack of a request that never reached its handler (an invalid packet). */
export const INVALID: unknown[] = [false, INVALID_PAYLOAD];
