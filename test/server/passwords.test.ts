import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPassword, verifyPassword } from '../../server/passwords.js';

describe('passwords', () => {
  it('hashes with a random salt: two hashes of one password differ', async () => {
    const [one, two] = await Promise.all([hashPassword('hunter2'), hashPassword('hunter2')]);
    assert.notEqual(one, two);
    assert.match(one, /^scrypt\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.ok(!one.includes('hunter2'));
  });

  it('verifies the right password and refuses others', async () => {
    const stored = await hashPassword('correct horse');
    assert.equal(await verifyPassword('correct horse', stored), true);
    assert.equal(await verifyPassword('correct hors', stored), false);
    assert.equal(await verifyPassword('Correct horse', stored), false);
    assert.equal(await verifyPassword('', stored), false);
    const empty = await hashPassword('');
    assert.equal(await verifyPassword('', empty), true);
    const unicode = await hashPassword('pässwörd 🔑');
    assert.equal(await verifyPassword('pässwörd 🔑', unicode), true);
    assert.equal(await verifyPassword('passwörd 🔑', unicode), false);
  });

  it('refuses malformed stored hashes', async () => {
    for (const stored of ['', 'plain-text', 'md5$abc$def', 'scrypt$$', 'scrypt$c2FsdA==$'])
      assert.equal(await verifyPassword('plain-text', stored), false, stored);
  });
});
