// Room tokens end to end: a backend mints HS256 JWTs, pages pass them with the `token` attribute.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { useE2E } from './harness.js';
import { fails, succeeds, useApiPages, waitForEvent, waitForPeers } from './pages.js';

const SECRET = 'e2e-room-token-secret-at-least-32-chars';
const mint = (room: string, sub: string, role: 'owner' | 'guest') =>
  new SignJWT({ room, role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));

describe('room tokens (AUTH_SECRET) with <rtc-room token>', { timeout: 120_000 }, () => {
  const env = useE2E({ signaling: () => ({ authSecret: SECRET }) });
  const pages = useApiPages(env);

  it('the owner token opens, a guest token joins (ids from the tokens), no token is UNAUTHORIZED', async () => {
    const roomId = 'tokens';
    const owner = await pages.open({
      roomId,
      session: 'audio video',
      attributes: { token: await mint(roomId, 'olivia', 'owner') },
    });
    const guest = await pages.open({
      roomId,
      session: 'audio video',
      attributes: { token: await mint(roomId, 'gus', 'guest') },
    });
    const outsider = await pages.open({ roomId, userId: 'outsider', session: 'data' });
    const wrongRole = await pages.open({
      roomId: 'tokens-2',
      attributes: { token: await mint('tokens-2', 'gil', 'guest') },
    });

    assert.equal(((await succeeds(owner.page, 'open')) as { userId: string }).userId, 'olivia');
    assert.equal(((await succeeds(guest.page, 'join')) as { userId: string }).userId, 'gus');
    await waitForPeers(owner.page, ['gus']);
    await waitForEvent(guest.page, 'rtc-stream', { userId: 'olivia', type: 'remote' });

    assert.equal(await fails(outsider.page, 'join'), 'UNAUTHORIZED');
    await waitForEvent(outsider.page, 'rtc-error', { code: 'UNAUTHORIZED' });
    assert.equal(await fails(wrongRole.page, 'open'), 'UNAUTHORIZED');
  });
});
