import { css } from 'lit';
import { accent, panel } from '../shared/shared.styles.js';

export const styles = [
  panel,
  css`
    .base {
      position: relative;
      display: grid;
      gap: 8px;
    }
    .messages {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .log {
      padding: 8px;
      height: var(--rtc-chat-height, 240px);
      overflow-y: auto;
      border: 1px solid #d1d5db;
      border-radius: 8px;
    }
    .message {
      margin: 0 0 6px;
      overflow-wrap: anywhere;
    }
    .message[data-self] .sender {
      color: ${accent};
    }
    .sender {
      font-weight: 600;
      margin-right: 6px;
    }
    .time {
      color: #6b7280;
      font-size: 12px;
      margin-right: 6px;
    }
    .text {
      white-space: pre-wrap;
    }
    .jump {
      position: absolute;
      right: 12px;
      bottom: 52px;
      border: 0;
      border-radius: 999px;
      padding: 4px 10px;
      background: ${accent};
      color: #fff;
      cursor: pointer;
    }
    .form {
      display: flex;
      gap: 8px;
    }
    input {
      flex: 1;
      min-width: 0;
      font: inherit;
      padding: 6px 8px;
    }
    button[type='submit'] {
      font: inherit;
      padding: 6px 12px;
      border: 0;
      border-radius: 6px;
      background: ${accent};
      color: #fff;
      cursor: pointer;
    }
    button:disabled {
      opacity: 0.5;
      cursor: default;
    }
  `,
];
