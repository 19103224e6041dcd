import { css } from 'lit';

/**
 * The accent colour of every element: `--rtc-color-accent`, settable from `:root` (default
 * #2563eb), written once: styles use it as `${accent}`.
 */
export const accent = css`var(--rtc-color-accent, #2563eb)`;

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

/** The toggle buttons of the media controls and the screen button (pressed: accent colour). */
export const toggleButton = css`
  button {
    font: inherit;
    padding: 6px 12px;
    border-radius: 6px;
    border: 1px solid currentColor;
    background: transparent;
    color: inherit;
    cursor: pointer;
  }
  button[aria-pressed='true'] {
    background: ${accent};
    border-color: ${accent};
    color: #fff;
  }
`;
