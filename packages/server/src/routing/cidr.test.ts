import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CidrSyntaxError, cidrContains, parseCidr, parseIp } from './cidr.ts';

describe('parseIp', () => {
  const out = new Uint32Array(4);
  it('reads dotted quads strictly', () => {
    assert.equal(parseIp('10.0.0.1', out), 4);
    assert.equal(out[0], 0x0a000001);
    for (const bad of [
      '10.0.0',
      '10.0.0.1.2',
      '10.0.0.256',
      '010.0.0.1',
      '10.0.0.-1',
      'a.b.c.d',
      '10..0.1',
    ]) {
      assert.equal(parseIp(bad, out), 0, bad);
    }
  });

  it('reads IPv6 with :: and an IPv4 tail', () => {
    assert.equal(parseIp('2001:db8::1', out), 6);
    assert.deepEqual([...out], [0x20010db8, 0, 0, 1]);
    assert.equal(parseIp('::', out), 6);
    assert.deepEqual([...out], [0, 0, 0, 0]);
    assert.equal(parseIp('::ffff:10.0.0.7', out), 6);
    assert.deepEqual([...out], [0, 0, 0xffff, 0x0a000007]);
    assert.equal(parseIp('1:2:3:4:5:6:7:8', out), 6);
    for (const bad of [
      '1:2:3:4:5:6:7',
      '1::2::3',
      ':1:2',
      '1:2:3:4:5:6:7:8:9',
      '12345::1',
      'g::1',
      '1:',
      ':::',
    ]) {
      assert.equal(parseIp(bad, out), 0, bad);
    }
  });
});

describe('parseCidr', () => {
  it('spans from the written address to the address with all host bits set', () => {
    const r = parseCidr('10.0.0.0/24');
    assert.equal(cidrContains(r, '10.0.0.0'), true);
    assert.equal(cidrContains(r, '10.0.0.255'), true);
    assert.equal(cidrContains(r, '10.0.1.0'), false);
    assert.equal(cidrContains(parseCidr('0.0.0.0/0'), '255.255.255.255'), true);
    assert.equal(cidrContains(parseCidr('2001:db8::/32'), '2001:db8:ffff::1'), true);
    assert.equal(cidrContains(parseCidr('2001:db8::/32'), '2001:db9::'), false);
  });

  it('rejects malformed blocks with event-ruler messages', () => {
    const reason = (text: string) => {
      try {
        parseCidr(text);
        return 'ok';
      } catch (err) {
        assert.ok(err instanceof CidrSyntaxError);
        return err.message;
      }
    };
    assert.equal(reason('10.0.0.0'), "Malformed CIDR, one '/' required");
    assert.equal(reason('10.0.0.0/'), "Malformed CIDR, one '/' required");
    assert.equal(reason('10.0.0.0/x'), 'Malformed CIDR, mask bits must be an integer');
    assert.equal(reason('bad-/64filter'), 'Malformed CIDR, mask bits must be an integer');
    assert.equal(reason('xx.11.xx/8'), 'Nonstandard IP address: xx.11.xx');
    assert.equal(reason('10.0.0.0/+8'), 'ok');
  });
});
