/**
 * Which IP addresses are public: what outbound requests the network does not trust (webhooks,
 * redirects a source's server sends) may reach. Pure: no lookup here.
 */
import ipaddr from 'ipaddr.js';

/** Why an address is not a public unicast one (loopback, private, link-local …), or null when it is. */
export function nonPublicReason(address: string): string | null {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // process() turns IPv4-mapped IPv6 (::ffff:127.0.0.1) into the IPv4 address it is.
    ip = ipaddr.process(address);
  } catch {
    return `${address} is not an IP address`;
  }
  const kind = ip.range();
  if (kind !== 'unicast') return `${address} is a ${kind} address`;
  // ::a.b.c.d (IPv4-compatible, deprecated by RFC 4291) is "unicast" to ipaddr.js, yet a host
  // with an automatic tunnel takes it for the IPv4 address it ends with.
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0))
    return `${address} is an IPv4-compatible address`;
  return null;
}
