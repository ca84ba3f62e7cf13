/**
 * A demo firm's phone number and address, and whether one consultation's record carries them.
 * Drawn from a random stream of their own (seeded by the log's seed and the firm's serial), so the
 * logs' other columns stay exactly what they were before these columns existed.
 */
import data from './data/contacts.json';
import { mulberry32 } from './random';

type Area = keyof typeof data.prefixes;

export interface FirmContact {
  phone: string;
  address: string;
}

const digits = (rng: () => number, n: number) => Array.from({ length: n }, () => Math.floor(rng() * 10)).join('');

/** A firm's own phone and address: the same every time for the same seed and serial. */
export function firmContact(
  seed: number,
  serial: number,
  area: string,
  municipalityName: string,
  incorporated: boolean,
): FirmContact {
  const rng = mulberry32((seed ^ Math.imul(serial + 1, 0x9e3779b1)) >>> 0);
  const prefixes = data.prefixes[area as Area] ?? data.prefixes.kobe;
  let phone: string;
  // Sole proprietors often give the owner's mobile.
  if (!incorporated && rng() < 0.35)
    phone = `${data.mobile[Math.floor(rng() * data.mobile.length)]}-${digits(rng, 4)}-${digits(rng, 4)}`;
  else {
    const prefix = prefixes[Math.floor(rng() * prefixes.length)];
    // Ten digits in all: the local exchange takes what the area code leaves.
    const local = 6 - prefix.length + 4;
    phone = `${prefix}-${digits(rng, local - 4).replace(/^0/, '2')}-${digits(rng, 4)}`;
  }
  const town = data.towns[Math.floor(rng() * data.towns.length)];
  const address = `${municipalityName}${town}${1 + Math.floor(rng() * 5)}丁目${1 + Math.floor(rng() * 30)}-${1 + Math.floor(rng() * 20)}`;
  return { phone, address };
}

/** Which of a firm's details one consultation record carries: agencies' records are incomplete. */
export function recordedContact(
  rng: () => number,
  contact: FirmContact,
): { phone: string | null; address: string | null } {
  return { phone: rng() < 0.7 ? contact.phone : null, address: rng() < 0.55 ? contact.address : null };
}
