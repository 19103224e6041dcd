// What a demo page gets instead of a script or style sheet from outside this machine. The list
// is repeated at the top of ../rmc-demos.test.ts; keep the two in step.
import { readFileSync } from 'node:fs';
import { ROOT } from '../../support/servers.js';

export interface Stub {
  /** What it replaces (host and path; any query string is ignored). */
  replaces: string[];
  contentType: string;
  body(): string | Buffer;
  why: string;
}

const empty = () => '';

/**
 * getMediaElement.js (the author's old media-tile widget, only on his CDN) reduced to what the
 * 3.6.3 pages use from it: a <div> holding the media element, with the element as `.media`.
 */
const GET_MEDIA_ELEMENT = `window.getMediaElement = function (media, options) {
  var div = document.createElement('div');
  div.className = 'media-container';
  if (options && options.title) {
    var title = document.createElement('h2');
    title.textContent = options.title;
    div.appendChild(title);
  }
  div.appendChild(media);
  div.media = media;
  div.toggle = function () {};
  return div;
};`;

export const STUBS: readonly Stub[] = [
  {
    replaces: [
      'www.webrtc-experiment.com/common.js',
      'cdn.webrtc-experiment.com/common.js',
      'www.webrtc-experiment.com/commits.js',
      'cdn.webrtc-experiment.com/commits.js',
      'buttons.github.io/buttons.js',
    ],
    contentType: 'text/javascript',
    body: empty,
    why: "site chrome (analytics, comments, 'latest commits', GitHub buttons): an empty script",
  },
  {
    replaces: ['www.webrtc-experiment.com/style.css', 'cdn.webrtc-experiment.com/style.css'],
    contentType: 'text/css',
    body: empty,
    why: 'the site-wide style sheet: an empty style sheet',
  },
  {
    replaces: ['www.webrtc-experiment.com/RecordRTC.js', 'cdn.webrtc-experiment.com/RecordRTC.js'],
    contentType: 'text/javascript',
    body: () => readFileSync(`${ROOT}node_modules/recordrtc/RecordRTC.js`),
    why: 'RecordRTC: the local copy from node_modules/recordrtc',
  },
  {
    replaces: ['cdn.webrtc-experiment.com/getMediaElement.js'],
    contentType: 'text/javascript',
    body: () => GET_MEDIA_ELEMENT,
    why: 'getMediaElement.js (media tile widget): a 15-line stand-in (<div> + .media)',
  },
];

/** The stub for a URL outside this machine, if there is one. */
export function stubFor(url: URL): Stub | undefined {
  const key = `${url.host}${url.pathname}`;
  return STUBS.find((stub) => stub.replaces.includes(key));
}
