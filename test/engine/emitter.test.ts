import { expect } from '@open-wc/testing';
import { Emitter } from '../../src/engine/util/emitter.js';

describe('engine: emitter', () => {
  it('delivers typed payloads and unsubscribes', () => {
    const emitter = new Emitter<{ ping: number }>();
    const seen: number[] = [];
    const off = emitter.on('ping', (n) => seen.push(n));
    emitter.emit('ping', 1);
    off();
    emitter.emit('ping', 2);
    expect(seen).to.deep.equal([1]);
    expect(emitter.listenerCount()).to.equal(0);
  });

  it('keeps calling other listeners when one throws', async () => {
    const emitter = new Emitter<{ ping: number }>();
    const seen: number[] = [];
    const original = Object.getOwnPropertyDescriptor(window, 'reportError')!;
    const errors: unknown[] = [];
    window.reportError = (error) => errors.push(error);
    try {
      emitter.on('ping', () => {
        throw new Error('listener bug');
      });
      emitter.on('ping', (n) => seen.push(n));
      emitter.emit('ping', 7);
    } finally {
      Object.defineProperty(window, 'reportError', original);
    }
    expect(seen).to.deep.equal([7]);
    expect(errors).to.have.length(1);
  });
});
