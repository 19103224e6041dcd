import { css } from 'lit';
import { accent } from '../shared/shared.styles.js';

export const styles = css`
  :host {
    display: block;
    position: relative;
    min-height: var(--rtc-video-grid-min-height, 0);
  }
  :host([hidden]),
  [hidden] {
    display: none !important;
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(var(--columns, 1), minmax(0, 1fr));
    gap: var(--rtc-video-grid-gap, 8px);
  }
  .tile {
    position: relative;
    margin: 0;
    aspect-ratio: 16 / 9;
    overflow: hidden;
    border-radius: var(--rtc-video-grid-radius, 8px);
    background: var(--rtc-video-grid-tile-background, #111);
  }
  video {
    width: 100%;
    height: 100%;
    display: block;
    object-fit: var(--rtc-video-grid-fit, cover);
  }
  video.mirrored {
    transform: scaleX(-1);
  }
  .tile.screen {
    grid-column: 1 / -1;
    aspect-ratio: auto;
    max-height: 70vh;
  }
  .tile.screen video {
    object-fit: contain;
  }
  .tile[data-video-off] video {
    visibility: hidden;
  }
  .tile[data-reconnecting] video {
    opacity: 0.4;
  }
  .reconnecting {
    position: absolute;
    top: 8px;
    left: 8px;
    padding: 2px 8px;
    border-radius: 4px;
    background: #000a;
    color: #fff;
    font:
      12px system-ui,
      sans-serif;
  }
  .placard {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    padding: 8px;
    color: #fff;
    font:
      600 clamp(14px, 4vw, 28px) / 1.2 system-ui,
      sans-serif;
    text-align: center;
    overflow-wrap: anywhere;
  }
  .stats {
    position: absolute;
    top: 6px;
    left: 6px;
    right: 6px;
    padding: 2px 6px;
    border-radius: 4px;
    background: rgb(0 0 0 / 60%);
    color: #fff;
    font:
      11px/1.4 ui-monospace,
      monospace;
  }
  .name {
    position: absolute;
    left: 8px;
    bottom: 8px;
    max-width: calc(100% - 16px);
    padding: 2px 8px;
    border-radius: 4px;
    background: rgb(0 0 0 / 60%);
    color: #fff;
    font:
      13px/1.5 system-ui,
      sans-serif;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .unmute {
    position: absolute;
    top: 8px;
    right: 8px;
    padding: 6px 12px;
    border: 0;
    border-radius: 6px;
    background: ${accent};
    color: #fff;
    font:
      14px system-ui,
      sans-serif;
    cursor: pointer;
  }
  .unmute:focus-visible {
    outline: 2px solid #fff;
    outline-offset: 2px;
  }
`;
