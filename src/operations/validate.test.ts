import { describe, expect, it } from 'vitest';
import { cidrProblem, dnsNameProblem, gatewayProblem, parseSizeGiB, sshKeyProblem, vlanProblem, vmidProblem } from './validate.js';

const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOepd1pHPcDNLMY3V+vW8ScnsJwaqvn8qHjw1EVQz4kd me@host';
const ECDSA = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBP2pylGvFKFtzCmX/47QXyOzs1Gwwlsvr/bdYQxdXoFZ9yWqpBdawXYnHXf6Ns8t2rhe6fwHOHqTySOmv/rLR1k=';

describe('dnsNameProblem', () => {
  it('takes DNS names as PVE does', () => {
    for (const ok of ['web-01', 'a', 'web01.home.arpa', 'A1-b2', '9lives']) expect(dnsNameProblem(ok), ok).toBeUndefined();
  });
  it('names the fix for what it refuses', () => {
    for (const bad of ['web_01', '-web', 'web-', 'web..01', 'web 01', '', 'ü', 'x'.repeat(254)]) expect(dnsNameProblem(bad), bad).toMatch(/not a valid DNS name: letters, digits and -/);
  });
});

describe('vmidProblem', () => {
  it('takes 100..999999999 when free', () => {
    expect(vmidProblem(100)).toBeUndefined();
    expect(vmidProblem(999_999_999, new Set([100]))).toBeUndefined();
  });
  it('refuses out of range, fractions and used ids', () => {
    expect(vmidProblem(99)).toMatch(/from 100 to 999999999/);
    expect(vmidProblem(1_000_000_000)).toMatch(/out of range/);
    expect(vmidProblem(100.5)).toMatch(/out of range/);
    expect(vmidProblem(101, new Set([101]))).toMatch(/vmid 101 is already in use: choose another/);
  });
});

describe('parseSizeGiB', () => {
  it('reads GiB by default and binary units', () => {
    expect(parseSizeGiB('32')).toBe(32);
    expect(parseSizeGiB('32G')).toBe(32);
    expect(parseSizeGiB('32 GiB')).toBe(32);
    expect(parseSizeGiB('512M')).toBe(0.5);
    expect(parseSizeGiB('1T')).toBe(1024);
    expect(parseSizeGiB('1.5g')).toBe(1.5);
    expect(parseSizeGiB('1048576K')).toBe(1);
  });
  it('is undefined for what is not a size or is zero', () => {
    for (const bad of ['', 'abc', '-1', '0', '0G', '32X', '3 2', '1e3']) expect(parseSizeGiB(bad), bad).toBeUndefined();
  });
});

describe('cidrProblem', () => {
  it('takes IPv4 and IPv6 host addresses with a prefix from 8', () => {
    for (const ok of ['192.168.1.50/24', '10.0.0.1/8', '10.0.0.5/32', '10.0.0.0/31', '2001:db8::5/64', 'fd00::1/128']) expect(cidrProblem(ok), ok).toBeUndefined();
  });
  it('says how to write it', () => {
    expect(cidrProblem('192.168.1.50')).toMatch(/not an address\/prefix: write it as 192.168.1.50\/24/);
    expect(cidrProblem('192.168.1.300/24')).toMatch(/not an address\/prefix/);
    expect(cidrProblem('dhcp')).toMatch(/or use dhcp/);
    expect(cidrProblem('10.0.0.1/33')).toMatch(/prefix must be from 8 to 32/);
    expect(cidrProblem('10.0.0.1/4')).toMatch(/prefix must be from 8 to 32/);
    expect(cidrProblem('2001:db8::1/129')).toMatch(/from 8 to 128/);
  });
  it("refuses the network's own and broadcast addresses", () => {
    expect(cidrProblem('192.168.1.0/24')).toMatch(/network's own address: .*e\.g\. 192\.168\.1\.10\/24/);
    expect(cidrProblem('192.168.1.255/24')).toMatch(/broadcast address/);
  });
});

describe('gatewayProblem', () => {
  it('takes a gateway inside the IPv4 network, or any IPv6 one of the family', () => {
    expect(gatewayProblem('192.168.1.1', '192.168.1.50/24')).toBeUndefined();
    expect(gatewayProblem('10.1.255.254', '10.1.0.5/16')).toBeUndefined();
    expect(gatewayProblem('fe80::1', '2001:db8::5/64')).toBeUndefined();
    expect(gatewayProblem('192.168.1.1')).toBeUndefined();
  });
  it('refuses other families, outside addresses, the guest itself and non-addresses', () => {
    expect(gatewayProblem('192.168.2.1', '192.168.1.50/24')).toMatch(/outside 192\.168\.1\.0\/24: .*e\.g\. 192\.168\.1\.1/);
    expect(gatewayProblem('fe80::1', '192.168.1.50/24')).toMatch(/is IPv6 but the address .* is IPv4/);
    expect(gatewayProblem('192.168.1.1', '2001:db8::5/64')).toMatch(/is IPv4 but .* is IPv6/);
    expect(gatewayProblem('192.168.1.50', '192.168.1.50/24')).toMatch(/the guest's own address/);
    expect(gatewayProblem('router')).toMatch(/not an IP address/);
  });
});

describe('sshKeyProblem', () => {
  it('takes OpenSSH public keys, several lines, comments and options', () => {
    expect(sshKeyProblem(ED25519)).toBeUndefined();
    expect(sshKeyProblem(ECDSA)).toBeUndefined();
    expect(sshKeyProblem(`# laptop\n${ED25519}\n\n${ECDSA}\n`)).toBeUndefined();
    expect(sshKeyProblem(`no-pty,command="uptime" ${ED25519}`)).toBeUndefined();
  });
  it('refuses what is not one, saying which line', () => {
    expect(sshKeyProblem('')).toMatch(/no SSH public key given/);
    expect(sshKeyProblem('hello world')).toMatch(/not an SSH public key: it should start with ssh-ed25519/);
    expect(sshKeyProblem('-----BEGIN OPENSSH PRIVATE KEY-----')).toMatch(/private key: give the public one/);
    expect(sshKeyProblem('ssh-ed25519')).toMatch(/body is not valid base64/);
    expect(sshKeyProblem('ssh-ed25519 not!base64')).toMatch(/body is not valid base64/);
    // An ECDSA body under an ed25519 type: a pasted line cut and glued wrong.
    expect(sshKeyProblem(`ssh-ed25519 ${ECDSA.split(' ')[1]}`)).toMatch(/not valid base64 for a ssh-ed25519 key/);
    expect(sshKeyProblem(`${ED25519}\nssh-rsa AAAA`)).toMatch(/^line 2: /);
  });
});

describe('vlanProblem', () => {
  it('takes 1..4094', () => {
    expect(vlanProblem(1)).toBeUndefined();
    expect(vlanProblem(4094)).toBeUndefined();
    for (const bad of [0, 4095, 1.5, -3]) expect(vlanProblem(bad), String(bad)).toMatch(/from 1 to 4094/);
  });
});
