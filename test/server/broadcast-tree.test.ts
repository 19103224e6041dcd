import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BroadcastTree } from '../../server/broadcast/tree.js';

/** Every member reachable from the root, parents and children agree, nobody over the limit. */
function assertSound(tree: BroadcastTree): void {
  const members = tree.members();
  assert.equal(members.length, tree.viewerCount + 1, 'every member is reachable from the root');
  const byId = new Map(members.map((m) => [m.userId, m]));
  for (const member of members) {
    assert.ok(member.children.length <= tree.maxChildren, `${member.userId} is over the limit`);
    for (const child of member.children) assert.equal(byId.get(child)?.parent, member.userId);
    if (member.parent !== undefined) {
      assert.ok(byId.get(member.parent)?.children.includes(member.userId));
      assert.equal(member.depth, (byId.get(member.parent)?.depth ?? -2) + 1);
    }
  }
}

describe('BroadcastTree', () => {
  it('places viewers under the shallowest member with room: 7 viewers, 2 each, three levels', () => {
    const tree = new BroadcastTree('caster', 2);
    const parents = ['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7'].map((v) => tree.add(v));
    assert.deepEqual(parents, ['caster', 'caster', 'v1', 'v1', 'v2', 'v2', 'v3']);
    assert.equal(tree.viewerCount, 7);
    assert.equal(tree.depth, 3);
    assert.deepEqual(tree.childrenOf('caster'), ['v1', 'v2']);
    assertSound(tree);
    // Adding someone already there changes nothing.
    assert.equal(tree.add('v4'), 'v1');
    assert.equal(tree.viewerCount, 7);
  });

  it('heals: a relay leaves, its children move up with their subtrees intact', () => {
    const tree = new BroadcastTree('caster', 2);
    for (const v of ['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7']) tree.add(v);
    // v1 relays to v3 and v4; v3 relays to v7.
    const moves = tree.remove('v1');
    assert.deepEqual(moves, [
      { userId: 'v3', parent: 'caster' },
      // v3, now at depth 1, has room for one more: shallower than v5's.
      { userId: 'v4', parent: 'v3' },
    ]);
    // v7 still receives from v3: grandchildren are not touched.
    assert.equal(tree.parentOf('v7'), 'v3');
    assert.equal(tree.viewerCount, 6);
    assertSound(tree);
  });

  it('never moves a child under its own subtree', () => {
    const tree = new BroadcastTree('caster', 1);
    for (const v of ['a', 'b', 'c', 'd']) tree.add(v);
    // A chain: caster - a - b - c - d. Removing a: b moves up to the caster, keeping c and d.
    assert.deepEqual(tree.remove('a'), [{ userId: 'b', parent: 'caster' }]);
    assert.deepEqual(
      tree.members().map((m) => [m.userId, m.depth]),
      [
        ['caster', 0],
        ['b', 1],
        ['c', 2],
        ['d', 3],
      ],
    );
    assertSound(tree);
  });

  it('ignores unknown viewers and the broadcaster in remove()', () => {
    const tree = new BroadcastTree('caster', 3);
    tree.add('v1');
    assert.deepEqual(tree.remove('nobody'), []);
    assert.deepEqual(tree.remove('caster'), []);
    assert.equal(tree.viewerCount, 1);
    assert.throws(() => new BroadcastTree('x', 0), RangeError);
  });

  it('stays sound under 2,000 random joins and leaves', () => {
    let seed = 20261130;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const limit of [1, 2, 3]) {
      const tree = new BroadcastTree('caster', limit);
      const inTree: string[] = [];
      for (let i = 0; i < 2000; i++) {
        if (inTree.length === 0 || random() < 0.6) {
          const id = `v${i}`;
          tree.add(id);
          inTree.push(id);
        } else {
          const [gone] = inTree.splice(Math.floor(random() * inTree.length), 1);
          const moves = tree.remove(gone!);
          for (const move of moves) assert.notEqual(move.parent, gone);
        }
        if (i % 50 === 0) assertSound(tree);
      }
      assertSound(tree);
      assert.equal(tree.viewerCount, inTree.length);
      // Subtrees move whole (their members keep their parents), so the tree can get deeper than
      // a full one; it stays within twice that.
      const full = Math.ceil(Math.log(inTree.length * (limit - 1) + 1) / Math.log(limit));
      console.log(
        `# limit ${limit}: ${inTree.length} viewers, depth ${tree.depth} (full tree: ${full})`,
      );
      if (limit > 1) assert.ok(tree.depth <= 2 * full, `depth ${tree.depth} for ${inTree.length}`);
    }
  });
});
