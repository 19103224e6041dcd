// The seed's code examples about rooms and users (RTCMultiConnection API reference), each run in
// real pages on dist/rtcmulticonnection.js against our server, checking what the reference says
// the code does. Snippets are the seed's code; where the seed gives a fragment, the completion is
// minimal and said so next to it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useE2E } from './harness.js';
import {
  alerts,
  callback,
  connectedTo,
  inbound,
  meet,
  record,
  run,
  runAsync,
  seen,
  until,
  seedOrigin,
  useSeedPages,
  waitAlert,
  waitSeen,
} from './seed-support.js';

describe('seed examples: rooms and users', { timeout: 180_000 }, () => {
  // The server also serves pages of its own origin (for the seed's `socketURL = '/'`).
  const demoDir = seedOrigin();
  const env = useE2E({ signaling: () => ({ demoDir }) });
  // Data-only sessions unless the example is about media (`data: false`).
  const pages = useSeedPages(env, demoDir, { data: true });

  it('open(roomid, callback): isRoomCreated and roomid; opening it again gives the error', async () => {
    const seed = `
      connection.open('roomid', function(isRoomCreated, roomid, error) {
          note('open', isRoomCreated, roomid, error);
          if(error) {
              // if error says that room is already created
              note('already', error === connection.errors.ROOM_NOT_AVAILABLE);
          }
      });`;
    const a = await pages.open({ userid: 'open-a', seed });
    assert.deepEqual(await waitSeen(a.page, 'open'), [[true, 'roomid', null]]);
    const b = await pages.open({ userid: 'open-b', seed });
    assert.deepEqual(await waitSeen(b.page, 'open'), [[false, 'roomid', 'Room not available']]);
    assert.deepEqual(await seen(b.page, 'already'), [[true]]);
  });

  it('join(roomid, callback): isRoomJoined, or the error (no room, room full, invalid password); join(roomid, options)', async () => {
    const join = (room: string) => `
      connection.join(${JSON.stringify(room)}, function(isRoomJoined, roomid, error) {
          note('join', isRoomJoined, roomid, error);
          if(error) {
              // maybe room does not exist
              // maybe room is full
              // maybe password is invalid
          }
      });`;
    // No such room.
    const x = await pages.open({ userid: 'join-x', seed: join('join-nowhere') });
    assert.deepEqual(await waitSeen(x.page, 'join'), [
      [false, 'join-nowhere', 'Room not available'],
    ]);
    // A full room (one other allowed) and a password room.
    const owner = await pages.open({
      data: false,
      userid: 'join-owner',
      setup: `connection.maxParticipantsAllowed = 1; connection.password = 'secret';`,
    });
    assert.deepEqual(
      (await callback(owner.page, `connection.open('join-room', CALLBACK)`))[0],
      true,
    );
    const wrong = await pages.open({
      userid: 'join-wrong',
      setup: `connection.password = 'guess';`,
      seed: join('join-room'),
    });
    assert.deepEqual(await waitSeen(wrong.page, 'join'), [
      [false, 'join-room', 'Invalid password'],
    ]);
    // The seed's options form (no callback): joins, and media flows both ways.
    const guest = await pages.open({
      data: false,
      userid: 'join-guest',
      setup: `connection.password = 'secret';`,
      seed: `
        connection.join('join-room', {
            localPeerSdpConstraints: {
                OfferToReceiveAudio: true,
                OfferToReceiveVideo: true
            },
            remotePeerSdpConstraints: {
                OfferToReceiveAudio: true,
                OfferToReceiveVideo: true
            },
            isOneWay: false,
            isDataOnly: false
        });`,
    });
    await connectedTo(guest.page, ['join-owner']);
    await until(owner.page, `connection.getAllParticipants().indexOf('join-guest') !== -1`);
    for (const [page, from] of [
      [guest.page, 'join-owner'],
      [owner.page, 'join-guest'],
    ] as const) {
      await until(page, `connection.peers['${from}'] && connection.peers['${from}'].peer`);
      const deadline = Date.now() + 20_000;
      while (!(await inbound(page, from)).video && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 200));
      const got = await inbound(page, from);
      assert.ok(got.audio && got.video, `audio and video from ${from}: ${JSON.stringify(got)}`);
    }
    const full = await pages.open({
      userid: 'join-full',
      setup: `connection.password = 'secret';`,
      seed: join('join-room'),
    });
    assert.deepEqual(await waitSeen(full.page, 'join'), [[false, 'join-room', 'Room full']]);
  });

  it('openOrJoin(roomid, callback): isRoomOpened tells opened from joined', async () => {
    const seed = `
      connection.openOrJoin('seed-open-or-join', function(isRoomOpened, roomid) {
          if(isRoomOpened === true) {
              alert('opened the room');
          }
          else {
              alert('joined the room');
          }
      });`;
    const a = await pages.open({ userid: 'ooj-a', seed });
    assert.deepEqual(await waitAlert(a.page, 'the room'), ['opened the room']);
    const b = await pages.open({ userid: 'ooj-b', seed });
    assert.deepEqual(await waitAlert(b.page, 'the room'), ['joined the room']);
    await connectedTo(b.page, ['ooj-a']);
  });

  it('checkPresence(roomid, callback): open when the room does not exist, else join', async () => {
    // The seed leaves both branches empty: the completion opens or joins.
    const seed = `
      connection.checkPresence('seed-presence', function(isRoomEists, roomid) {
          note('presence', isRoomEists, roomid);
          if(isRoomEists) {
              connection.join(roomid);
          }
          else {
              connection.open(roomid);
          }
      });`;
    const a = await pages.open({ userid: 'presence-a', seed });
    assert.deepEqual(await waitSeen(a.page, 'presence'), [[false, 'seed-presence']]);
    await until(a.page, 'connection.isInitiator === true');
    const b = await pages.open({ userid: 'presence-b', seed });
    assert.deepEqual(await waitSeen(b.page, 'presence'), [[true, 'seed-presence']]);
    await connectedTo(b.page, ['presence-a']);
    assert.equal(await run(b.page, 'connection.isInitiator'), false);
  });

  it('userid: set before opening, it is the id everyone sees', async () => {
    const a = await pages.open({ data: false, seed: `connection.userid = 'abcdef';` });
    await meet('seed-userid', a.page);
    const b = await pages.open({ data: false, userid: 'userid-b' });
    await record(b.page, ['onstream']);
    assert.deepEqual(
      (await callback(b.page, `connection.join('seed-userid', CALLBACK)`)).slice(0, 2),
      [true, 'seed-userid'],
    );
    await connectedTo(b.page, ['abcdef']);
    assert.deepEqual(await run(b.page, 'connection.getAllParticipants()'), ['abcdef']);
    const streams = await waitSeen<[{ userid: string; type: string }]>(b.page, 'onstream', 2);
    assert.ok(streams.some(([e]) => e.userid === 'abcdef' && e.type === 'remote'));
  });

  it('maxParticipantsAllowed = 1 (one-to-one) and onRoomFull(roomid)', async () => {
    const seed = `
      connection.maxParticipantsAllowed = 1; // one-to-one
      connection.onRoomFull = function(roomid) {
          alert('Room is full.');
      };`;
    const a = await pages.open({ userid: 'full-a', seed });
    await meet('seed-full', a.page);
    const b = await pages.open({ userid: 'full-b', seed });
    const c = await pages.open({ userid: 'full-c', seed });
    assert.deepEqual(
      (await callback(b.page, `connection.join('seed-full', CALLBACK)`)).slice(0, 2),
      [true, 'seed-full'],
    );
    const [ok, , error] = await callback(c.page, `connection.join('seed-full', CALLBACK)`);
    assert.deepEqual([ok, error], [false, 'Room full']);
    assert.deepEqual(await waitAlert(c.page, 'full'), ['Room is full.']);
    assert.deepEqual(await alerts(b.page), []);
    await connectedTo(a.page, ['full-b']);
    assert.deepEqual(await run(a.page, 'connection.getAllParticipants()'), ['full-b']);
  });

  it('onNewParticipant: without acceptParticipationRequest the request is rejected; with it, the user connects', async () => {
    // First the seed's handler without its last line ("if below line is NOT included..."),
    // then the seed's handler as given.
    const owner = await pages.open({
      userid: 'np-owner',
      seed: `
        connection.onNewParticipant = function(participantId, userPreferences) {
            note('asked', participantId);
            // if OfferToReceiveAudio/OfferToReceiveVideo should be enabled for specific users
            userPreferences.localPeerSdpConstraints.OfferToReceiveAudio = true;
            userPreferences.localPeerSdpConstraints.OfferToReceiveVideo = true;
            userPreferences.dontAttachStream = false; // according to situation
            userPreferences.dontGetRemoteStream = false; // according to situation
        };`,
    });
    await meet('seed-new-participant', owner.page);
    const rejected = await pages.open({ userid: 'np-rejected' });
    await run(rejected.page, `connection.join('seed-new-participant')`);
    await waitSeen(owner.page, 'asked');
    await run(
      owner.page,
      `connection.onNewParticipant = function(participantId, userPreferences) {
          note('asked', participantId);
          // if OfferToReceiveAudio/OfferToReceiveVideo should be enabled for specific users
          userPreferences.localPeerSdpConstraints.OfferToReceiveAudio = true;
          userPreferences.localPeerSdpConstraints.OfferToReceiveVideo = true;
          userPreferences.dontAttachStream = false; // according to situation
          userPreferences.dontGetRemoteStream = false; // according to situation
          // below line must be included. Above all lines are optional.
          // if below line is NOT included; "join-request" will be considered rejected.
          connection.acceptParticipationRequest(participantId, userPreferences);
      };`,
    );
    const accepted = await pages.open({ userid: 'np-accepted' });
    await run(accepted.page, `connection.join('seed-new-participant')`);
    await connectedTo(owner.page, ['np-accepted']);
    await connectedTo(accepted.page, ['np-owner']);
    assert.deepEqual(await seen(owner.page, 'asked'), [['np-rejected'], ['np-accepted']]);
    assert.deepEqual(await run(owner.page, 'connection.getAllParticipants()'), ['np-accepted']);
    assert.equal(
      await run(rejected.page, `connection.getAllParticipants().indexOf('np-owner')`),
      -1,
    );
  });

  it('onNewParticipant with window.confirm: addParticipationRequest when the owner confirms', async () => {
    // The seed's handler, completed: the seed misspells `message` as `messsage` in the confirm()
    // call (a ReferenceError as written) and leaves out the `return` after the first accept.
    const owner = await pages.open({
      userid: 'confirm-owner',
      seed: `
        var alreadyAllowed = {};
        connection.onNewParticipant = function(participantId, userPreferences) {
            if(alreadyAllowed[participantId]) {
                connection.addParticipationRequest(participantId, userPreferences);
                return;
            }
            var message = participantId + ' is trying to join your room. Confirm to accept his request.';
            if( window.confirm(message ) ) {
                connection.addParticipationRequest(participantId, userPreferences);
            }
        };`,
    });
    await meet('seed-confirm', owner.page);
    await run(owner.page, 'window.confirmAnswer = false');
    const no = await pages.open({ userid: 'confirm-no' });
    await run(no.page, `connection.join('seed-confirm')`);
    await until(owner.page, 'confirms.length === 1');
    await run(owner.page, `window.confirmAnswer = true; alreadyAllowed['confirm-friend'] = true`);
    const yes = await pages.open({ userid: 'confirm-yes' });
    await run(yes.page, `connection.join('seed-confirm')`);
    const friend = await pages.open({ userid: 'confirm-friend' });
    await run(friend.page, `connection.join('seed-confirm')`);
    await connectedTo(owner.page, ['confirm-yes', 'confirm-friend']);
    assert.deepEqual(await run(owner.page, 'confirms'), [
      'confirm-no is trying to join your room. Confirm to accept his request.',
      'confirm-yes is trying to join your room. Confirm to accept his request.',
    ]);
    assert.deepEqual((await run<string[]>(owner.page, 'connection.getAllParticipants()')).sort(), [
      'confirm-friend',
      'confirm-yes',
    ]);
  });

  it('onReadyForOffer: multiPeersHandler.createNewPeer(remoteUserId, userPreferences) connects with media both ways', async () => {
    const seed = `
      connection.onReadyForOffer = function(remoteUserId, userPreferences) {
          note('ready', remoteUserId);
          // if OfferToReceiveAudio/OfferToReceiveVideo should be enabled for specific users
          userPreferences.localPeerSdpConstraints.OfferToReceiveAudio = true;
          userPreferences.localPeerSdpConstraints.OfferToReceiveVideo = true;
          userPreferences.dontAttachStream = false; // according to situation
          userPreferences.dontGetRemoteStream = false; // according to situation
          // below line must be included. Above all lines are optional.
          connection.multiPeersHandler.createNewPeer(remoteUserId, userPreferences);
      };`;
    const a = await pages.open({ data: false, userid: 'rfo-a', seed });
    const b = await pages.open({ data: false, userid: 'rfo-b', seed });
    await meet('seed-ready-for-offer', a.page, b.page);
    await connectedTo(a.page, ['rfo-b']);
    assert.deepEqual(await waitSeen(a.page, 'ready'), [['rfo-b']]);
    for (const [page, from] of [
      [a.page, 'rfo-b'],
      [b.page, 'rfo-a'],
    ] as const) {
      await until(page, `connection.streamEvents.selectAll('remote').length > 0`);
      await until(
        page,
        `connection.streamEvents.selectFirst('remote').mediaElement.videoWidth > 0`,
      );
      assert.equal(await run(page, `connection.streamEvents.selectFirst('remote').userid`), from);
    }
  });

  it('disconnectWith(participantId) for every participant: leaves the peers, keeps the socket and the room', async () => {
    const a = await pages.open({ userid: 'dw-a' });
    const b = await pages.open({ userid: 'dw-b' });
    await record(b.page, ['onleave']);
    await meet('seed-disconnect-with', a.page, b.page);
    await connectedTo(a.page, ['dw-b']);
    await run(
      a.page,
      `// to leave entire room
      connection.getAllParticipants().forEach(function(participantId) {
          connection.disconnectWith(participantId);
      });`,
    );
    await until(a.page, 'connection.getAllParticipants().length === 0');
    await until(b.page, 'connection.getAllParticipants().length === 0');
    assert.equal(await run(a.page, 'connection.socket.connected'), true);
    // Both are still in the room: the room's custom event still reaches the other.
    await run(
      b.page,
      `connection.socket.on(connection.socketCustomEvent, function (m) { note('custom', m); })`,
    );
    await run(a.page, `connection.socket.emit(connection.socketCustomEvent, 'still here')`);
    assert.deepEqual(await waitSeen(b.page, 'custom'), [['still here']]);
    assert.deepEqual(await seen(b.page, 'onleave'), []);
  });

  it('getAllParticipants(): number of users, isUserConnectedWithYou, peers[remoteUserId].peer', async () => {
    const a = await pages.open({ userid: 'gap-a' });
    const xyz = await pages.open({ userid: 'xyz' });
    const c = await pages.open({ userid: 'gap-c' });
    await meet('seed-participants', a.page, xyz.page, c.page);
    await connectedTo(a.page, ['xyz', 'gap-c']);
    // The seed's comparison is always false (an instance is never its constructor); the note
    // records what the seed means to show: the entry's `peer` is the RTCPeerConnection.
    const result = await run(
      a.page,
      `var numberOfUsersInTheRoom = connection.getAllParticipants().length;
      var remoteUserId = 'xyz';
      var isUserConnectedWithYou = connection.getAllParticipants().indexOf(remoteUserId) !== -1;
      connection.getAllParticipants().forEach(function(remoteUserId) {
          var user = connection.peers[remoteUserId];
          alert(user.peer === webkitRTCPeerConnection);
          note('peer', remoteUserId, user.peer instanceof RTCPeerConnection, user.peer.connectionState);
      });
      [numberOfUsersInTheRoom, isUserConnectedWithYou]`,
    );
    assert.deepEqual(result, [2, true]);
    assert.deepEqual(await alerts(a.page), ['false', 'false']);
    assert.deepEqual(await seen(a.page, 'peer'), [
      ['xyz', true, 'connected'],
      ['gap-c', true, 'connected'],
    ]);
  });

  it("extra (joinTime): peers['remote-userid'].extra, and get-remote-user-extra-data on the socket", async () => {
    const owner = await pages.open({
      data: false,
      userid: 'remote-userid',
      seed: `connection.extra = {
          joinTime: new Date()
      };`,
    });
    const joinTime = await run<string>(owner.page, 'connection.extra.joinTime.toISOString()');
    await meet('seed-extra', owner.page);
    const other = await pages.open({
      data: false,
      userid: 'extra-other',
      seed: `
        connection.onstream = function(event) {
            if(event.type === 'remote') {
                connection.socket.emit('get-remote-user-extra-data', event.userid, function(extra) {
                    alert( extra.joinTime );
                });
            }
        };`,
    });
    await run(other.page, `connection.join('seed-extra')`);
    await connectedTo(other.page, ['remote-userid']);
    await waitAlert(other.page, joinTime);
    await run(
      other.page,
      `var extra = connection.peers['remote-userid'].extra;
      alert( extra.joinTime);`,
    );
    assert.deepEqual((await alerts(other.page)).slice(-1), [joinTime]);
  });

  it('updateExtraData() and onExtraDataUpdated: the header shows the new fullName', async () => {
    const a = await pages.open({
      userid: 'ued-a',
      setup: `connection.extra = { fullName: 'Old' };`,
    });
    const b = await pages.open({
      userid: 'ued-b',
      body: '<h2 id="video-header"></h2>',
      seed: `
        connection.onExtraDataUpdated = function(event) {
            console.log('extra data updated', event.userid, event.extra);
            // make sure that <video> header is having latest fullName
            document.getElementById('video-header').innerHTML = event.extra.fullName;
        };`,
    });
    await record(b.page, ['onExtraDataUpdated']);
    await meet('seed-update-extra', a.page, b.page);
    await connectedTo(b.page, ['ued-a']);
    await run(
      a.page,
      `connection.extra.fullName = 'New Full Name';
      connection.updateExtraData(); // now above value will be auto synced among all connected users`,
    );
    await until(b.page, `document.getElementById('video-header').textContent === 'New Full Name'`);
    assert.deepEqual(await run(b.page, `connection.peers['ued-a'].extra`), {
      fullName: 'New Full Name',
    });
    // Once per change: a second change makes the second call.
    await run(a.page, `connection.extra.fullName = 'Newer'; connection.updateExtraData();`);
    await until(b.page, `document.getElementById('video-header').textContent === 'Newer'`);
    assert.equal((await seen(b.page, 'onExtraDataUpdated')).length, 2);
  });

  it('changeUserId(newUserId, callback): the new id everywhere', async () => {
    const a = await pages.open({ userid: 'cui-a' });
    const b = await pages.open({ userid: 'cui-b' });
    await record(b.page, ['onmessage']);
    await meet('seed-change-userid', a.page, b.page);
    await connectedTo(b.page, ['cui-a']);
    await run(
      a.page,
      `// or callback to check if userid is successfully changed
      connection.changeUserId('new-userid', function() {
          alert('Your userid is successfully changed to: ' + connection.userid);
      });`,
    );
    await waitAlert(a.page, 'new-userid');
    assert.deepEqual(await alerts(a.page), ['Your userid is successfully changed to: new-userid']);
    await until(b.page, `connection.getAllParticipants().join() === 'new-userid'`);
    assert.equal(
      await run(b.page, `!!connection.peers['new-userid'] && !connection.peers['cui-a']`),
      true,
    );
    await until(
      a.page,
      `connection.getAllParticipants().length === 1 && (connection.send('hello'), true)`,
    );
    const message = (
      await waitSeen<[{ userid: string; data: string }]>(b.page, 'onmessage')
    )[0]![0];
    assert.deepEqual([message.userid, message.data], ['new-userid', 'hello']);
  });

  it('onUserIdAlreadyTaken(useridAlreadyTaken, yourNewUserId): a second page with the same userid gets a new one', async () => {
    const seed = `
      connection.onUserIdAlreadyTaken = function(useridAlreadyTaken, yourNewUserId) {
          note('taken', useridAlreadyTaken, yourNewUserId);
          if (connection.enableLogs) {
              console.warn('Userid already taken.', useridAlreadyTaken, 'Your new userid:', yourNewUserId);
          }
      };`;
    const a = await pages.open({ userid: 'same-id', seed });
    await meet('seed-taken', a.page);
    const b = await pages.open({ userid: 'same-id', seed });
    const [ok] = await callback(b.page, `connection.join('seed-taken', CALLBACK)`);
    assert.equal(ok, true);
    const [taken, fresh] = (await waitSeen<[string, string]>(b.page, 'taken'))[0]!;
    assert.equal(taken, 'same-id');
    assert.notEqual(fresh, 'same-id');
    assert.equal(await run(b.page, 'connection.userid'), fresh);
    await connectedTo(a.page, [fresh]);
  });

  it('onUserStatusChanged: the status image of each user', async () => {
    // The seed names the argument `status` and reads `event.userid`: v3 passes one event,
    // {userid, status, extra}, so the completed snippet names it `event` and reads event.status.
    const a = await pages.open({
      userid: 'usc-a',
      body: '<img id="usc-b" alt="usc-b">',
      seed: `
        connection.onUserStatusChanged = function(event) {
            document.getElementById(event.userid).src = event.status === 'online' ? 'online.gif' : 'offline.gif';
        };`,
    });
    await record(a.page, ['onUserStatusChanged']);
    const b = await pages.open({ userid: 'usc-b' });
    await meet('seed-status', a.page, b.page);
    await until(a.page, `/online\\.gif$/.test(document.getElementById('usc-b').src)`);
    await run(b.page, 'connection.closeSocket()');
    await until(a.page, `/offline\\.gif$/.test(document.getElementById('usc-b').src)`);
    // Once per arrival and departure.
    const calls = await seen<[{ userid: string; status: string }]>(a.page, 'onUserStatusChanged');
    assert.deepEqual(
      calls.map(([e]) => [e.userid, e.status]),
      [
        ['usc-b', 'online'],
        ['usc-b', 'offline'],
      ],
    );
  });

  it('onUserStatusChanged called by hand from onopen and onleave/onclose', async () => {
    const a = await pages.open({
      userid: 'usc2-a',
      seed: `
        connection.onopen = connection.stream = function(event) {
            connection.onUserStatusChanged({
                userid: event.userid,
                extra: event.extra,
                status: 'online'
            });
        };
        connection.onleave = connection.streamended = connection.onclose = function(event) {
            connection.onUserStatusChanged({
                userid: event.userid,
                extra: event.extra,
                status: 'offline'
            });
        };`,
    });
    await record(a.page, ['onUserStatusChanged']);
    const b = await pages.open({
      userid: 'usc2-b',
      setup: `connection.extra = { name: 'Bea' };`,
    });
    await meet('seed-status-by-hand', a.page, b.page);
    await connectedTo(a.page, ['usc2-b']);
    const online = { userid: 'usc2-b', extra: { name: 'Bea' }, status: 'online' };
    // The library's own call when b arrives, then the page's from onopen.
    await waitSeen(a.page, 'onUserStatusChanged', 2);
    await run(b.page, 'connection.closeSocket()');
    const calls = await waitSeen<[Record<string, unknown>]>(a.page, 'onUserStatusChanged', 4);
    const by = (status: string) => calls.filter(([e]) => e['status'] === status).map(([e]) => e);
    assert.ok(by('online').length >= 2);
    for (const event of by('online')) assert.deepEqual(event, online);
    assert.ok(by('offline').length >= 2);
    for (const event of by('offline')) assert.deepEqual(event, { ...online, status: 'offline' });
  });

  it('closeEntireSession(callback) and onEntireSessionClosed; closeSocket()', async () => {
    const a = await pages.open({ userid: 'ces-a', setup: `connection.extra = { role: 'host' };` });
    const seed = `
      connection.onEntireSessionClosed = function(event) {
          note('closed', event.sessionid, event.extra);
          console.info('Entire session is closed: ', event.sessionid, event.extra);
      };`;
    const b = await pages.open({ userid: 'ces-b', seed });
    const c = await pages.open({ userid: 'ces-c', seed });
    await meet('seed-close-session', a.page, b.page, c.page);
    await connectedTo(a.page, ['ces-b', 'ces-c']);
    // closeSocket() leaves: the others see c go.
    await record(a.page, ['onleave']);
    await run(c.page, `connection.closeSocket(); // close socket.io connections`);
    await waitSeen(a.page, 'onleave');
    assert.equal(await run(c.page, 'connection.socket.connected'), false);
    await run(
      a.page,
      `// or callback
      connection.closeEntireSession(function() {
          alert('Entire session has been closed.');
      });`,
    );
    assert.deepEqual(await waitAlert(a.page, 'closed'), ['Entire session has been closed.']);
    assert.deepEqual(await waitSeen(b.page, 'closed'), [['seed-close-session', { role: 'host' }]]);
    assert.deepEqual(await seen(c.page, 'closed'), []);
    const [exists] = await callback(
      b.page,
      `connection.checkPresence('seed-close-session', CALLBACK)`,
    );
    assert.equal(exists, false);
  });

  it('closeBeforeUnload: true leaves with the page; false lets the page handle it (closeEntireSession before leaving)', async () => {
    // Default (true): the library leaves as the page goes, so the others see it at once (a
    // dropped connection would keep its place for the reconnect grace period instead).
    const a = await pages.open({ userid: 'cbu-a' });
    const b = await pages.open({ userid: 'cbu-b' });
    await record(b.page, ['onleave', 'onEntireSessionClosed']);
    await meet('seed-before-unload', a.page, b.page);
    await connectedTo(b.page, ['cbu-a']);
    await a.page.goto('about:blank');
    assert.deepEqual(await waitSeen(b.page, 'onleave', 1, 5000), [
      [{ userid: 'cbu-a', extra: {} }],
    ]);
    // false: the page's own handler runs (the seed spells it `onbeforeunlaod`, which no browser
    // calls; the completion uses `onbeforeunload`) and closes the session for everyone.
    const c = await pages.open({
      userid: 'cbu-c',
      seed: `
        connection.closeBeforeUnload = false;
        window.onbeforeunload = function() {
            connection.closeEntireSession();
        };`,
    });
    await meet('seed-before-unload-2', c.page);
    await run(b.page, `connection.join('seed-before-unload-2')`);
    await connectedTo(b.page, ['cbu-c']);
    // A pagehide alone (the page is hidden, its handler does not run) does not leave.
    await run(c.page, `dispatchEvent(new PageTransitionEvent('pagehide'))`);
    await runAsync(
      c.page,
      `await new Promise(function (r) { connection.checkPresence('x', r); });`,
    );
    assert.deepEqual(await run(b.page, 'connection.getAllParticipants()'), ['cbu-c']);
    await c.page.goto('about:blank');
    const closed = await waitSeen<[{ sessionid: string }]>(
      b.page,
      'onEntireSessionClosed',
      1,
      5000,
    );
    assert.equal(closed[0]![0].sessionid, 'seed-before-unload-2');
  });

  it('new RTCMultiConnection(roomId, {autoOpenOrJoin: true}) on the server\'s own origin (socketURL "/")', async () => {
    const head = `<script>var roomId = 'seed-auto-open-or-join';</script>`;
    const construct = `roomId, {
        autoOpenOrJoin: true
    }`;
    const a = await pages.open({ data: false, sameOrigin: true, head, construct });
    await until(a.page, 'connection.isInitiator === true');
    const b = await pages.open({ data: false, sameOrigin: true, head, construct });
    const aId = await run<string>(a.page, 'connection.userid');
    await connectedTo(b.page, [aId]);
    assert.equal(await run(b.page, 'connection.isInitiator'), false);
    assert.equal(await run(b.page, 'connection.socketURL'), '/');
    await until(b.page, `document.querySelectorAll('video').length === 2`);
  });

  it('enableScalableBroadcast, singleBroadcastAttendees = 3, onNumberOfBroadcastViewersUpdated, getNumberOfBroadcastViewers', async () => {
    const seed = `
      connection.enableScalableBroadcast = true; // by default, it is false.
      connection.singleBroadcastAttendees = 3; // how many users are handled by each broadcaster
      connection.onNumberOfBroadcastViewersUpdated = function(event) {
          // event.broadcastId
          // event.numberOfBroadcastViewers
          note('viewers', event.broadcastId, event.numberOfBroadcastViewers);
          console.info('Number of broadcast (', event.broadcastId, ') viewers', event.numberOfBroadcastViewers);
      };`;
    // The seed's scalable-broadcast demos send one-way audio and video.
    const setup = `connection.session = { audio: true, video: true, oneway: true };`;
    const broadcaster = await pages.open({ data: false, userid: 'sb-broadcaster', setup, seed });
    await meet('seed-broadcast', broadcaster.page);
    const viewers = [];
    for (let i = 1; i <= 4; i++) {
      const viewer = await pages.open({ data: false, userid: `sb-viewer-${i}`, setup, seed });
      await run(viewer.page, `connection.join('seed-broadcast')`);
      viewers.push(viewer);
    }
    // Each stream event names the user whose connection carries it, as in v3 (its broadcast demos
    // forward what they receive to every peer but that one): three below the broadcaster; the
    // fourth is served by one of them, and its event names that relay.
    for (const [i, viewer] of viewers.entries())
      await until(
        viewer.page,
        `(function (e) { return e && e.mediaElement.videoWidth > 0 && ${
          i < 3
            ? `e.userid === 'sb-broadcaster'`
            : `/^sb-viewer-[123]$/.test(e.userid) && connection.getAllParticipants().join() === e.userid`
        }; })(connection.streamEvents.selectFirst('remote'))`,
      );
    assert.equal(await run(broadcaster.page, 'connection.getAllParticipants().length'), 3);
    const counts = await waitSeen<[string, number]>(broadcaster.page, 'viewers', 4);
    assert.deepEqual(counts.at(-1), ['seed-broadcast', 4]);
    const outsider = await pages.open({ userid: 'sb-outsider' });
    const [count] = await callback(
      outsider.page,
      `connection.getNumberOfBroadcastViewers('seed-broadcast', CALLBACK)`,
    );
    assert.equal(count, 4);
  });

  it('autoCloseEntireSession and iceServers (issue 9 members without a seed example)', async () => {
    const a = await pages.open({
      userid: 'auto-a',
      setup: `connection.autoCloseEntireSession = true;
        connection.iceServers = [{ urls: 'stun:127.0.0.1:3478' }];`,
    });
    const b = await pages.open({ userid: 'auto-b' });
    await record(b.page, ['onEntireSessionClosed']);
    await meet('seed-auto-close', a.page, b.page);
    await connectedTo(b.page, ['auto-a']);
    const servers = (page: typeof a.page, id: string) =>
      run(
        page,
        `connection.peers['${id}'].peer.getConfiguration().iceServers.map(function (s) { return [].concat(s.urls).join(); })`,
      );
    // Ours, or else what the server hands out (none by default: no third-party STUN).
    assert.deepEqual(await servers(a.page, 'auto-b'), ['stun:127.0.0.1:3478']);
    assert.deepEqual(await servers(b.page, 'auto-a'), []);
    await run(a.page, 'connection.closeSocket()');
    const [[closed]] = (await waitSeen(b.page, 'onEntireSessionClosed')) as [
      [{ sessionid: string }],
    ];
    assert.equal(closed.sessionid, 'seed-auto-close');
  });

  it(
    'onclose: the connection with a user ended (issue 9 member without a seed example)',
    {},
    async () => {
      const a = await pages.open({ userid: 'oc-a' });
      const b = await pages.open({ userid: 'oc-b' });
      await record(a.page, ['onclose']);
      await record(b.page, ['onclose']);
      await meet('seed-onclose', a.page, b.page);
      await connectedTo(b.page, ['oc-a']);
      await run(a.page, `connection.disconnectWith('oc-b')`);
      assert.deepEqual(await waitSeen(a.page, 'onclose', 1, 3000), [
        [{ userid: 'oc-b', extra: {} }],
      ]);
      assert.deepEqual(await waitSeen(b.page, 'onclose', 1, 3000), [
        [{ userid: 'oc-a', extra: {} }],
      ]);
    },
  );
});
