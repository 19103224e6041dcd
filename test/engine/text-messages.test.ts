import { expect } from '@open-wc/testing';
import {
  MAX_MESSAGE_CHARS,
  PACKET_CHARS,
  TextReassembler,
  encodeText,
} from '../../src/engine/data/text-messages.js';

describe('engine: text messages', () => {
  it('sends a short string as one v3 packet', () => {
    const [packet, ...rest] = encodeText('hello');
    expect(rest).to.have.length(0);
    const parsed = JSON.parse(packet!) as Record<string, unknown>;
    expect(parsed).to.include({ type: 'text', message: 'hello', last: true, isobject: false });
    expect(parsed['uuid']).to.be.a('string');
    expect(parsed['sendingTime']).to.be.a('number');
  });

  it('round-trips strings and JSON values', () => {
    const receiver = new TextReassembler();
    for (const value of ['hi', { a: 1, b: [true, null, 'x'] }, [1, 2, 3], 42]) {
      const packets = encodeText(value);
      let result: { data: unknown } | undefined;
      for (const packet of packets) result = receiver.receive(packet);
      expect(result?.data).to.deep.equal(value);
    }
  });

  it('chunks large messages and reassembles them in order', () => {
    const text = 'x'.repeat(PACKET_CHARS * 3 + 17);
    const packets = encodeText(text);
    expect(packets).to.have.length(4);
    const receiver = new TextReassembler();
    const results = packets.map((p) => receiver.receive(p));
    expect(results.slice(0, 3).every((r) => r === undefined)).to.equal(true);
    expect(results[3]?.data).to.equal(text);
  });

  it('interleaves two messages by uuid', () => {
    const a = encodeText('a'.repeat(PACKET_CHARS + 1));
    const b = encodeText('b'.repeat(PACKET_CHARS + 1));
    const receiver = new TextReassembler();
    expect(receiver.receive(a[0]!)).to.equal(undefined);
    expect(receiver.receive(b[0]!)).to.equal(undefined);
    expect(receiver.receive(b[1]!)?.data).to.equal('b'.repeat(PACKET_CHARS + 1));
    expect(receiver.receive(a[1]!)?.data).to.equal('a'.repeat(PACKET_CHARS + 1));
  });

  it('refuses values that are not serialisable or too large', () => {
    expect(() => encodeText(undefined)).to.throw(TypeError);
    expect(() => encodeText(() => 1)).to.throw(TypeError);
    expect(() => encodeText('x'.repeat(MAX_MESSAGE_CHARS + 1))).to.throw(RangeError);
  });

  it('rejects malformed packets without crashing', () => {
    const receiver = new TextReassembler();
    expect(() => receiver.receive('not json')).to.throw();
    expect(() => receiver.receive('null')).to.throw(TypeError);
    expect(() => receiver.receive(JSON.stringify({ type: 'file' }))).to.throw(TypeError);
  });

  it('drops half-received messages that stalled, so new ones still get through', () => {
    const receiver = new TextReassembler();
    const packet = (uuid: string, last = false) =>
      JSON.stringify({ type: 'text', uuid, sendingTime: 0, message: 'x', last });
    const realNow = Date.now;
    try {
      for (let i = 0; i < 64; i++) receiver.receive(packet(`stale${i}`));
      Date.now = () => realNow() + 61_000;
      expect(receiver.receive(packet('fresh', true))?.data).to.equal('x');
    } finally {
      Date.now = realNow;
    }
  });

  it('bounds what a sender can make it buffer', () => {
    const receiver = new TextReassembler();
    const packet = (uuid: string) =>
      JSON.stringify({ type: 'text', uuid, sendingTime: 0, message: 'x' });
    let error: unknown;
    try {
      for (let i = 0; i < 1000; i++) receiver.receive(packet(`u${i}`));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(RangeError);
  });
});
