// Opaque Marker / NextMarker tokens for list operations, and the MaxItems check.
import { invalidParameter, validationError } from '../errors.js';

export function encodeMarker(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeMarker(marker: string | undefined): (string | number)[] | undefined {
  if (marker === undefined || marker === '') return undefined;
  try {
    const key = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.every((k) => typeof k === 'string' || typeof k === 'number')) return key;
  } catch {
    // fall through to the error below
  }
  throw invalidParameter('Invalid marker: ' + marker);
}

export function maxItems(raw: string | number | undefined, fallback = 50): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 10000) {
    throw validationError(raw, 'maxItems', 'Member must have value between 1 and 10000');
  }
  return n;
}

/** Cuts one extra fetched row off a page and derives NextMarker from the last row kept. */
export function page<T>(rows: T[], limit: number, keyOf: (row: T) => (string | number)[]): { items: T[]; nextMarker?: string } {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, nextMarker: encodeMarker(keyOf(items[items.length - 1]!)) };
}
