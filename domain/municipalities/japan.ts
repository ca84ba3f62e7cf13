/** Japan's extent, 沖ノ鳥島 to 択捉島 and 与那国島 to 南鳥島 (no table needed: derive.ts checks the table against it). */
export const JAPAN = { south: 20, north: 46, west: 122, east: 154 };

export type Box = typeof JAPAN;

export const inBox = (p: { lat: number; lng: number }, b: Box): boolean =>
  p.lat >= b.south && p.lat <= b.north && p.lng >= b.west && p.lng <= b.east;

/** Whether a point lies in Japan at all. */
export const inJapan = (p: { lat: number; lng: number }): boolean => inBox(p, JAPAN);
