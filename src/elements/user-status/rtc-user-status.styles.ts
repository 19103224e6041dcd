import { css } from 'lit';
import { accent, panel } from '../shared/shared.styles.js';

export const styles = [
  panel,
  css`
    .list {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: var(--rtc-user-status-gap, 4px);
    }
    .person {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 6px;
      padding: 4px 6px;
      border-radius: 6px;
    }
    .person[data-status='offline'] {
      opacity: 0.6;
    }
    .dot {
      width: 8px;
      height: 8px;
      border-radius: 50%;
      flex: none;
    }
    .dot.online {
      background: var(--rtc-user-status-online-color, #16a34a);
    }
    .dot.offline {
      background: var(--rtc-user-status-offline-color, #9ca3af);
    }
    .name {
      font-weight: 600;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      max-width: 16em;
    }
    .status {
      color: #6b7280;
      font-size: 12px;
    }
    .badge,
    .state,
    .speaking {
      font-size: 12px;
      padding: 0 6px;
      border-radius: 999px;
      border: 1px solid currentColor;
    }
    .badge {
      color: ${accent};
    }
    .state {
      color: #b91c1c;
    }
    .speaking {
      color: ${accent};
    }
  `,
];
