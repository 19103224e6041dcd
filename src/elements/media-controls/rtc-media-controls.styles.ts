import { css } from 'lit';
import { panel, toggleButton } from '../shared/shared.styles.js';

export const styles = [
  panel,
  toggleButton,
  css`
    .bar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--rtc-media-controls-gap, 8px);
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
