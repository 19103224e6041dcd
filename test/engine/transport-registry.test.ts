// Custom signaling transports through the registry: a tiny in-memory transport (a test double of a
// signaling service, answering just what a data room needs) carries two RoomConnections whose
// real RTCPeerConnections connect and exchange messages; it restarts, and the rooms rebuild.
import { expect, waitUntil } from '@open-wc/testing';
import {
  BaseTransport,
  RoomConnection,
  engine,
  registerTransport,
  type SignalingTransport,
  type TransportOptions,
} from '../../src/engine/index.js';
import { uniqueRoom } from '../support/in-page.js';

type Ack = (...answer: unknown[]) => void;

/** The service: rooms of connected transports, in arrival order. */
class MemoryService {
  readonly rooms = new Map<string, MemoryTransport[]>();
  readonly connections = new Set<MemoryTransport>();

  handle(from: MemoryTransport, event: string, args: unknown[], ack: Ack | undefined): void {
    const [payload] = args;
    const roomId = (payload as { sessionid?: string } | undefined)?.sessionid ?? '';
    const room = this.rooms.get(from.room ?? '');
    if (event === 'check-presence') {
      ack?.(this.rooms.has(payload as string), payload, { _room: {} });
    } else if (event === 'open-room') {
      if (this.rooms.has(roomId)) return ack?.(false, 'Room not available');
      this.rooms.set(roomId, [from]);
      from.room = roomId;
      ack?.(true);
    } else if (event === 'join-room') {
      const members = this.rooms.get(roomId);
      if (!members) return ack?.(false, 'Room not available');
      for (const member of members) {
        member.dispatch('user-connected', from.userId, {});
        from.dispatch('user-connected', member.userId, {});
      }
      members.push(from);
      from.room = roomId;
      from.dispatch('room-info', roomId, { owner: members[0]!.userId });
      ack?.(true);
    } else if (event === from.messageEvent && room) {
      const envelope = payload as { remoteUserId: string; message: unknown };
      const request = envelope.remoteUserId === from.room;
      for (const member of room) {
        if (member !== from && (request || member.userId === envelope.remoteUserId)) {
          member.dispatch(member.messageEvent, {
            ...envelope,
            remoteUserId: member.userId,
            sender: from.userId,
          });
        }
      }
    }
  }

  leave(from: MemoryTransport): void {
    this.connections.delete(from);
    const room = this.rooms.get(from.room ?? '');
    if (!room) return;
    room.splice(room.indexOf(from), 1);
    if (room.length === 0) this.rooms.delete(from.room!);
    for (const member of room) member.dispatch('user-disconnected', from.userId);
  }

  /** Drops every connection and forgets every room, like a restarted server. */
  restart(): void {
    this.rooms.clear();
    for (const connection of [...this.connections]) connection.drop('transport close');
  }
}

/** The transport: everything the room client needs, in memory, asynchronously like a network. */
class MemoryTransport extends BaseTransport implements SignalingTransport {
  connected = false;
  room: string | undefined;
  readonly userId: string;
  readonly messageEvent: string;

  constructor(
    readonly service: MemoryService,
    options: TransportOptions,
  ) {
    super();
    this.userId = options.query.userid;
    this.messageEvent = options.query.msgEvent;
  }

  connect(): void {
    setTimeout(() => {
      this.connected = true;
      this.service.connections.add(this);
      this.dispatch('connect');
    });
  }

  emit(event: string, ...args: unknown[]): void {
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as Ack) : undefined;
    setTimeout(() => {
      if (this.connected) this.service.handle(this, event, structuredClone(args), ack);
    });
  }

  disconnect(): void {
    this.drop('io client disconnect');
  }

  drop(reason: string): void {
    if (!this.connected) return;
    this.connected = false;
    this.service.leave(this);
    this.ended(true, reason);
  }
}

describe('engine: custom signaling transports', () => {
  const service = new MemoryService();
  const created: MemoryTransport[] = [];
  registerTransport('Memory:', (url, options) => {
    expect(url).to.match(/^memory:/);
    const transport = new MemoryTransport(service, options);
    created.push(transport);
    return transport;
  });
  const rooms: RoomConnection[] = [];
  const make = (roomId: string, userId: string) => {
    const room = new RoomConnection({ socketUrl: 'memory:test', roomId, userId, session: 'data' });
    rooms.push(room);
    return room;
  };
  afterEach(async () => {
    await Promise.all(rooms.splice(0).map((r) => r.leave()));
  });

  it('carries a room: real peers connect and exchange messages over it', async () => {
    const roomId = uniqueRoom();
    const a = make(roomId, 'ann');
    const b = make(roomId, 'bob');
    expect((await a.open()).opened).to.equal(true);
    expect(a.socket).to.be.instanceOf(MemoryTransport);
    expect((await engine.checkPresence({ socketUrl: 'memory:test', roomId })).exists).to.equal(
      true,
    );
    await b.join();
    expect(b.owner).to.equal('ann');
    await waitUntil(() => a.connectedUserIds.includes('bob'), 'a connects to b');
    const atB = new Promise((resolve) => b.on('message', resolve));
    await a.send({ over: 'a custom transport' });
    expect(await atB).to.deep.equal({ userId: 'ann', data: { over: 'a custom transport' } });
    const left = new Promise((resolve) => b.on('participant-left', resolve));
    await a.leave();
    expect(await left).to.deep.include({ userId: 'ann' });
  });

  it('a dropped transport makes a joined room reconnect with a new one and rebuild the room', async () => {
    const roomId = uniqueRoom();
    const a = make(roomId, 'cid');
    const b = make(roomId, 'dan');
    await a.open();
    await b.join();
    await waitUntil(() => a.connectedUserIds.includes('dan'), 'a connects to b');
    const pc = a.peerConnection('dan');
    const before = created.length;
    const back = Promise.all([a, b].map((room) => new Promise((r) => room.on('reconnected', r))));
    service.restart();
    await back;
    expect(created.length).to.be.at.least(before + 2);
    expect(
      service.rooms
        .get(roomId)
        ?.map((t) => t.userId)
        .sort(),
    ).to.deep.equal(['cid', 'dan']);
    // The peer connection lived through it.
    expect(a.peerConnection('dan')).to.equal(pc);
    const atA = new Promise((resolve) => a.on('message', resolve));
    await b.send('still here');
    expect(await atA).to.deep.equal({ userId: 'dan', data: 'still here' });
  });
});
