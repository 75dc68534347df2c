/** Bytes per `String.fromCharCode` call: keeps the argument list far below engines' limits. */
const CHUNK = 0x8000;

/** Standard base64 (with padding) of `bytes`, with the `btoa` every JavaScript host has. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

/** Inverse of {@link bytesToBase64}; throws on text that is not base64. */
export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
