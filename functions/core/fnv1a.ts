/** FNV-1a over a string's UTF-16 code units, 32 bits: a cheap, stable hash for fingerprints and fixed offsets. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
