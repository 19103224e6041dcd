import { css } from 'lit';
import { accent, panel } from '../shared/shared.styles.js';

export const styles = [
  panel,
  css`
    .base {
      display: grid;
      gap: 8px;
    }
    .drop {
      display: flex;
      align-items: center;
      gap: 8px;
      padding: 12px;
      border: 2px dashed #d1d5db;
      border-radius: 8px;
    }
    .drop[data-over] {
      border-color: ${accent};
      background: color-mix(in srgb, transparent 92%, ${accent});
    }
    button {
      font: inherit;
      padding: 4px 10px;
      border-radius: 6px;
      border: 1px solid #d1d5db;
      background: #fff;
      cursor: pointer;
    }
    button:focus-visible,
    a:focus-visible {
      outline: 2px solid ${accent};
      outline-offset: 2px;
    }
    .pick {
      background: ${accent};
      border-color: transparent;
      color: #fff;
    }
    .list {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 6px;
    }
    .transfer {
      display: grid;
      grid-template-columns: 1fr auto;
      gap: 2px 8px;
      padding: 8px;
      border: 1px solid #e5e7eb;
      border-radius: 8px;
    }
    .name {
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .meta,
    .figures {
      color: #4b5563;
      font-size: 12px;
    }
    progress {
      grid-column: 1 / -1;
      width: 100%;
      accent-color: ${accent};
    }
    .actions {
      display: flex;
      gap: 6px;
      align-items: center;
    }
    .transfer[data-state='failed'] .figures {
      color: #b91c1c;
    }
  `,
];
