import { expect } from '@open-wc/testing';
import {
  isDataOnly,
  isOneWay,
  kindsToCapture,
  parseSession,
  sessionToString,
} from '../../src/engine/media/session.js';

describe('engine: session', () => {
  it('defaults to a two-way audio and video call', () => {
    expect(parseSession(undefined)).to.deep.equal({ audio: true, video: true });
    expect(parseSession('')).to.deep.equal({ audio: true, video: true });
  });

  it('parses space-separated tokens', () => {
    expect(parseSession('audio video data')).to.deep.equal({
      audio: true,
      video: true,
      data: true,
    });
    expect(parseSession('  screen   oneway ')).to.deep.equal({ screen: true, oneway: true });
    expect(parseSession('audio:two-way video oneway')).to.deep.equal({
      audio: 'two-way',
      video: true,
      oneway: true,
    });
  });

  it('rejects unknown tokens with a clear error', () => {
    expect(() => parseSession('audio vidoe')).to.throw(TypeError, /vidoe/);
    expect(() => parseSession('data:two-way')).to.throw(TypeError, /two-way/);
  });

  it('normalises v3 session objects', () => {
    expect(
      parseSession({ audio: 'two-way', video: true, data: false, oneway: true }),
    ).to.deep.equal({
      audio: 'two-way',
      video: true,
      oneway: true,
    });
  });

  it('round-trips to tokens', () => {
    expect(sessionToString(parseSession('video audio:two-way broadcast'))).to.equal(
      'audio:two-way video broadcast',
    );
  });

  it('knows data-only and one-way sessions', () => {
    expect(isDataOnly(parseSession('data'))).to.equal(true);
    expect(isDataOnly(parseSession('audio data'))).to.equal(false);
    expect(isOneWay(parseSession('video broadcast'))).to.equal(true);
    expect(isOneWay(parseSession('video'))).to.equal(false);
  });

  it('captures only two-way kinds for viewers of a one-way session', () => {
    const session = parseSession('audio:two-way video oneway');
    expect(kindsToCapture(session, 'owner')).to.deep.equal({
      audio: true,
      video: true,
      screen: false,
    });
    expect(kindsToCapture(session, 'participant')).to.deep.equal({
      audio: true,
      video: false,
      screen: false,
    });
    expect(kindsToCapture(parseSession('data'), 'owner')).to.deep.equal({
      audio: false,
      video: false,
      screen: false,
    });
  });
});
