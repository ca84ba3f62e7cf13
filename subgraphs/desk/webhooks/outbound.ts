/**
 * Where webhooks may be sent (SSRF defence): http(s) URLs without credentials, to public unicast
 * addresses only — no loopback, private, link-local (cloud metadata), unique-local, CGNAT,
 * multicast or reserved ranges — unless an install lists ranges it allows
 * (MADOGUCHI_WEBHOOK_ALLOW_PRIVATE, CIDRs). A name is checked at registration and again on every
 * connection, through the resolver the connection itself uses (an undici dispatcher with a
 * checking `lookup`), so a name that resolves elsewhere later (DNS rebinding) is refused too.
 * Redirects are never followed.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent } from 'undici';
import { nonPublicReason } from '../../../domain/addresses';

export class OutboundRefusedError extends Error {}

export type Lookup = (
  hostname: string,
  options: { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

export interface OutboundPolicy {
  /** CIDR ranges allowed although not public (an install's own receivers). */
  allowed: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
  /** The resolver (tests of rebinding pass their own; default: the system's). */
  lookup?: Lookup;
}

export function parseAllowedRanges(list: string | undefined): OutboundPolicy['allowed'] {
  return (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((cidr) => {
      try {
        return ipaddr.parseCIDR(cidr);
      } catch {
        throw new Error(`MADOGUCHI_WEBHOOK_ALLOW_PRIVATE: ${cidr} is not a CIDR range such as 127.0.0.1/32`);
      }
    });
}

/** Why an address may not be reached, or null when it may. */
export function refusedAddress(address: string, policy: OutboundPolicy): string | null {
  const why = nonPublicReason(address);
  if (why === null) return null;
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.process(address);
  } catch {
    return why;
  }
  // An install's own receivers, in the ranges it lists.
  for (const [range, bits] of policy.allowed) if (ip.kind() === range.kind() && ip.match(range, bits)) return null;
  return why;
}

/** Checks a URL's form: http(s), a host, no credentials. Returns the URL. */
export function checkUrlForm(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRefusedError('not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new OutboundRefusedError(`only http and https URLs are allowed, not ${url.protocol}`);
  if (url.username || url.password) throw new OutboundRefusedError('a URL with credentials is not allowed');
  if (!url.hostname) throw new OutboundRefusedError('the URL names no host');
  if (raw.length > 2000) throw new OutboundRefusedError('the URL is longer than 2,000 characters');
  return url;
}

const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, '');

function resolveAll(lookup: Lookup, hostname: string): Promise<LookupAddress[]> {
  return new Promise((done, fail) =>
    lookup(hostname, { all: true }, (err, addresses) => (err ? fail(err) : done(addresses))),
  );
}

/** Checks a URL and every address its host resolves to now (registration). */
export async function checkDestination(raw: string, policy: OutboundPolicy): Promise<URL> {
  const url = checkUrlForm(raw);
  const host = bare(url.hostname);
  const addresses = isIP(host)
    ? [host]
    : (
        await resolveAll(policy.lookup ?? (dnsLookup as unknown as Lookup), host).catch((e: Error) => {
          throw new OutboundRefusedError(`${host} does not resolve (${e.message})`);
        })
      ).map((a) => a.address);
  if (addresses.length === 0) throw new OutboundRefusedError(`${host} does not resolve`);
  for (const a of addresses) {
    const why = refusedAddress(a, policy);
    if (why) throw new OutboundRefusedError(`${host} is not allowed: ${why}`);
  }
  return url;
}

/**
 * An undici dispatcher that checks every address a connection resolves to, at connection time.
 * (An IP literal is not resolved: `checkUrlForm` plus `refusedAddress` check it before sending.)
 */
export function guardedAgent(policy: OutboundPolicy, options: { connectTimeoutMs: number }): Agent {
  const lookup = policy.lookup ?? (dnsLookup as unknown as Lookup);
  return new Agent({
    connect: {
      timeout: options.connectTimeoutMs,
      lookup: ((hostname: string, opts: { all?: boolean }, callback: (...args: unknown[]) => void) => {
        lookup(hostname, { all: true }, (err, addresses) => {
          if (err) return callback(err);
          for (const a of addresses) {
            const why = refusedAddress(a.address, policy);
            if (why) return callback(new OutboundRefusedError(`${hostname} is not allowed: ${why}`));
          }
          if (opts?.all) return callback(null, addresses);
          callback(null, addresses[0].address, addresses[0].family);
        });
      }) as never,
    },
  });
}
