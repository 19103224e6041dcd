import { css } from 'lit';

/** What the panel-like elements share: block host, system font, `hidden` that hides, `.sr-only`. */
export const panel = css`
  :host {
    display: block;
    font:
      14px/1.4 system-ui,
      sans-serif;
  }
  :host([hidden]),
  [hidden] {
    display: none !important;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
