/** A random id from the platform CSPRNG (never Math.random). */
export function randomId(bytes = 12): string {
  const data = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(data);
  let out = '';
  for (const byte of data) out += byte.toString(36).padStart(2, '0');
  return out;
}
