import type { Logger } from './log.js';

/**
 * What a handler changed so far, and how to take each change back. A handler records the
 * compensation right after each change (store, socket channels, socket state); when it fails
 * part-way, the hub runs them in reverse before answering, so a refused or failed request leaves
 * nothing behind — on the memory and the Redis store alike. A handler that succeeded simply
 * drops its log.
 */
export class Undo {
  readonly #steps: { what: string; step: () => unknown }[] = [];

  /** Records how to take back a change that was just made. */
  push(what: string, step: () => unknown): void {
    this.#steps.push({ what, step });
  }

  /** Takes every recorded change back, newest first; a step that fails is logged, the rest still run. */
  async run(logger: Logger): Promise<void> {
    for (let entry = this.#steps.pop(); entry; entry = this.#steps.pop()) {
      try {
        await entry.step();
      } catch (error) {
        logger.error('cannot undo a partial change', { change: entry.what, error: String(error) });
      }
    }
  }
}
