/**
 * The relay tree of one scalable broadcast: the broadcaster at the root, each viewer receiving
 * from one parent and forwarding to at most `maxChildren` children. Pure data: the signaling
 * layer asks it where a viewer goes and what changes when someone leaves.
 *
 * Placement: the shallowest member with spare capacity (ties: the earliest to arrive), so the
 * tree stays as flat as the limit allows. Healing: when a relay leaves, each of its children
 * (with its whole subtree, which keeps its own parents) moves under the shallowest member with
 * spare capacity outside that subtree.
 */
export interface TreeMember {
  userId: string;
  /** undefined for the broadcaster. */
  parent: string | undefined;
  children: string[];
  /** 0 for the broadcaster. */
  depth: number;
}

export interface Move {
  userId: string;
  /** The new parent. */
  parent: string;
}

/** A tree as stored (JSON): members as `[userId, parent, arrival]`, root first. */
export interface TreeState {
  broadcaster: string;
  maxChildren: number;
  members: [string, string | null, number][];
  arrivals: number;
}

export class BroadcastTree {
  /** The root (it changes only when the broadcaster takes a new id). */
  broadcaster: string;
  readonly maxChildren: number;
  readonly #members = new Map<
    string,
    { parent: string | undefined; children: string[]; order: number }
  >();
  #arrivals = 0;

  constructor(broadcaster: string, maxChildren: number) {
    if (!Number.isInteger(maxChildren) || maxChildren < 1)
      throw new RangeError('maxChildren must be a positive integer');
    this.broadcaster = broadcaster;
    this.maxChildren = maxChildren;
    this.#members.set(broadcaster, { parent: undefined, children: [], order: this.#arrivals++ });
  }

  /** The tree as JSON-safe data (see `fromState`). */
  toState(): TreeState {
    const members: TreeState['members'] = [];
    for (const [userId] of this.#breadthFirst()) {
      const entry = this.#members.get(userId);
      if (entry) members.push([userId, entry.parent ?? null, entry.order]);
    }
    return {
      broadcaster: this.broadcaster,
      maxChildren: this.maxChildren,
      members,
      arrivals: this.#arrivals,
    };
  }

  static fromState(state: TreeState): BroadcastTree {
    const tree = new BroadcastTree(state.broadcaster, state.maxChildren);
    for (const [userId, parent, order] of state.members) {
      if (userId === state.broadcaster) continue;
      tree.#members.set(userId, { parent: parent ?? undefined, children: [], order });
      if (parent !== null) tree.#members.get(parent)?.children.push(userId);
    }
    tree.#arrivals = state.arrivals;
    return tree;
  }

  /** A member took a new id (`changed-uuid`): same place in the tree, the root's too. */
  rename(from: string, to: string): void {
    const entry = this.#members.get(from);
    if (!entry || this.#members.has(to)) return;
    if (from === this.broadcaster) this.broadcaster = to;
    this.#members.delete(from);
    this.#members.set(to, entry);
    for (const child of entry.children) {
      const childEntry = this.#members.get(child);
      if (childEntry) childEntry.parent = to;
    }
    const parent = entry.parent === undefined ? undefined : this.#members.get(entry.parent);
    if (parent) parent.children = parent.children.map((c) => (c === from ? to : c));
  }

  /** Viewers in the tree (everyone but the broadcaster). */
  get viewerCount(): number {
    return this.#members.size - 1;
  }

  has(userId: string): boolean {
    return this.#members.has(userId);
  }

  parentOf(userId: string): string | undefined {
    return this.#members.get(userId)?.parent;
  }

  childrenOf(userId: string): string[] {
    return [...(this.#members.get(userId)?.children ?? [])];
  }

  /** Places a new viewer; returns its parent. A viewer already in the tree keeps its place. */
  add(viewer: string): string {
    const existing = this.#members.get(viewer);
    if (existing) return existing.parent ?? viewer;
    const parent = this.#shallowestWithRoom(new Set());
    this.#members.set(viewer, { parent, children: [], order: this.#arrivals++ });
    this.#members.get(parent)?.children.push(viewer);
    return parent;
  }

  /**
   * Takes a viewer out; each of its children moves (with its subtree) to a new parent. Returns
   * the moves. Removing the broadcaster is the caller's business (the broadcast ends).
   */
  remove(viewer: string): Move[] {
    const member = this.#members.get(viewer);
    if (!member || viewer === this.broadcaster) return [];
    this.#members.delete(viewer);
    const parent = member.parent === undefined ? undefined : this.#members.get(member.parent);
    if (parent) parent.children = parent.children.filter((c) => c !== viewer);
    const moves: Move[] = [];
    for (const child of member.children) {
      const entry = this.#members.get(child);
      if (!entry) continue;
      entry.parent = undefined;
      const newParent = this.#shallowestWithRoom(this.#subtree(child));
      entry.parent = newParent;
      this.#members.get(newParent)?.children.push(child);
      moves.push({ userId: child, parent: newParent });
    }
    return moves;
  }

  /** Every member with its parent, children and depth, root first, then by depth and arrival. */
  members(): TreeMember[] {
    const out: TreeMember[] = [];
    const visit = (userId: string, depth: number) => {
      const entry = this.#members.get(userId);
      if (!entry) return;
      out.push({ userId, parent: entry.parent, children: [...entry.children], depth });
    };
    for (const [userId, depth] of this.#breadthFirst()) visit(userId, depth);
    return out;
  }

  /** How deep the tree is (0 with no viewers). */
  get depth(): number {
    let max = 0;
    for (const [, depth] of this.#breadthFirst()) max = Math.max(max, depth);
    return max;
  }

  /** Members breadth first from the root; within a level, by arrival. */
  *#breadthFirst(): Generator<[string, number]> {
    let level = [this.broadcaster];
    for (let depth = 0; level.length > 0; depth++) {
      for (const userId of level) yield [userId, depth];
      level = level
        .flatMap((userId) => this.#members.get(userId)?.children ?? [])
        .sort((a, b) => (this.#members.get(a)?.order ?? 0) - (this.#members.get(b)?.order ?? 0));
    }
  }

  #shallowestWithRoom(excluded: Set<string>): string {
    for (const [userId] of this.#breadthFirst()) {
      if (excluded.has(userId)) continue;
      if ((this.#members.get(userId)?.children.length ?? 0) < this.maxChildren) return userId;
    }
    // Unreachable: a tree always has a leaf with room outside any proper subtree.
    return this.broadcaster;
  }

  #subtree(root: string): Set<string> {
    const out = new Set<string>();
    const stack = [root];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      out.add(next);
      stack.push(...(this.#members.get(next)?.children ?? []));
    }
    return out;
  }
}
