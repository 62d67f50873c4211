import { isPublicAddress } from './network-addresses';

describe('isPublicAddress', () => {
  it('answers true for public IPv4 and IPv6 addresses (the addresses real hosts resolve to)', () => {
    for (const [address, family] of [
      ['93.184.215.14', 4],
      ['8.8.8.8', 4],
      ['2606:2800:21f:cb07:6820:80da:af6b:8b2c', 6],
      ['::ffff:93.184.215.14', 6],
    ] as const) {
      expect({ address, public: isPublicAddress(address, family) }).toEqual({ address, public: true });
    }
  });

  it('answers false for loopback, private, link-local, CGNAT, multicast and unspecified addresses, IPv4-mapped ones too', () => {
    for (const [address, family] of [
      ['127.0.0.1', 4],
      ['10.0.0.1', 4],
      ['172.16.5.4', 4],
      ['192.168.1.1', 4],
      ['169.254.169.254', 4],
      ['100.64.0.1', 4],
      ['224.0.0.1', 4],
      ['0.0.0.0', 4],
      ['::1', 6],
      ['::', 6],
      ['fd00::1', 6],
      ['fe80::1', 6],
      ['::ffff:127.0.0.1', 6],
      ['::ffff:169.254.169.254', 6],
    ] as const) {
      expect({ address, public: isPublicAddress(address, family) }).toEqual({ address, public: false });
    }
  });
});
