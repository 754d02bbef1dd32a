import { describe, expect, it } from 'vitest';
import { addressBucket } from '../src/http/middleware/address-bucket.js';

describe('addressBucket', () => {
  it('spells one IPv6 /64 one way', () => {
    for (const a of ['2001:db8::1', '2001:DB8:0:0:0:0:0:1', '[2001:db8::1]:8443', '2001:db8::ffff:1:2:3', 'fe80::1%eth0'.replace('fe80', '2001:db8')]) {
      expect(addressBucket(a)).toBe('2001:db8::/64');
    }
  });

  it('takes the prefix length it is given', () => {
    expect(addressBucket('2001:db8:1:2::1', 48)).toBe('2001:db8:1::/48');
    expect(addressBucket('2001:db8:1:2::1', 128)).not.toBe(addressBucket('2001:db8:1:2::2', 128));
  });

  it('keeps IPv4 whole and unwraps IPv4-mapped IPv6', () => {
    expect(addressBucket('192.0.2.7')).toBe('192.0.2.7');
    expect(addressBucket('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressBucket('192.0.2.7:5555')).toBe('192.0.2.7');
    expect(addressBucket('192.0.2.8')).not.toBe('192.0.2.7');
  });

  it('keeps what is not an address apart from every address', () => {
    expect(addressBucket('local')).toBe('other:local');
  });
});
