/** What `<rtc-chat>` shows and announces, in English (see `setStrings` for other languages). */
export const CHAT = {
  log: 'Chat messages',
  input: 'Message',
  placeholder: 'Write a message',
  send: 'Send',
  you: 'You',
  unseen: { one: '{count} new message', other: '{count} new messages' },
};
