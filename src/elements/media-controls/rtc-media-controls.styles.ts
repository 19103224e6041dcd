import { css } from 'lit';
import { panel } from '../shared.styles.js';

export const styles = [
  panel,
  css`
    .bar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--rtc-media-controls-gap, 8px);
    }
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
      background: var(--rtc-color-accent, #2563eb);
      border-color: var(--rtc-color-accent, #2563eb);
      color: #fff;
    }
    button:disabled,
    select:disabled {
      opacity: 0.5;
      cursor: default;
    }
    .leave {
      border-color: #dc2626;
      color: #dc2626;
    }
    .devices {
      display: inline-flex;
      flex-wrap: wrap;
      gap: var(--rtc-media-controls-gap, 8px);
    }
    .picker {
      display: inline-flex;
      align-items: center;
      gap: 4px;
    }
    select {
      font: inherit;
      max-width: 14em;
    }
  `,
];
