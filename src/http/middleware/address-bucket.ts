import ipaddr from 'ipaddr.js';

/**
 * The rate-limit identity of a client address: IPv4 as itself, IPv6 as its network of `ipv6Prefix` bits,
 * in one canonical spelling. An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is the IPv4 address, a zone
 * (`%eth0`), brackets and a port are dropped, so no client gets a fresh bucket by spelling its address
 * another way or by moving within the /64 its provider gave it.
 *
 * @example
 * addressBucket('2001:DB8::1', 64);      // '2001:db8::/64'
 * addressBucket('[2001:db8:0:0:ffff::2]:443', 64); // '2001:db8::/64'
 * addressBucket('::ffff:192.0.2.1', 64); // '192.0.2.1'
 */
export function addressBucket(address: string, ipv6Prefix = 64): string {
  const bare = stripPort(address.trim());
  if (!ipaddr.isValid(bare)) return `other:${bare.toLowerCase()}`;
  const parsed = ipaddr.process(bare);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const v6 = parsed as ipaddr.IPv6;
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${new ipaddr.IPv6(v6.parts).toString()}/${ipv6Prefix}`);
  return `${network.toString()}/${ipv6Prefix}`;
}

function stripPort(a: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed?.[1]) return bracketed[1];
  // IPv4 with a port, as some proxies write X-Forwarded-For; an IPv6 address has more than one colon.
  const v4port = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(a);
  if (v4port?.[1]) return v4port[1];
  return a.replace(/%.*$/, '');
}
