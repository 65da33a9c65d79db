import { describe, expect, it } from 'vitest';
import { Anonymizer } from './engine.js';
import { PseudonymMap } from './mapping.js';

const engine = (opts: ConstructorParameters<typeof Anonymizer>[0] = {}) => new Anonymizer(opts);

/** Anonymises `text` and checks that the mapping restores it exactly. */
function anon(text: string, opts: ConstructorParameters<typeof Anonymizer>[0] = {}): string {
  const a = engine(opts);
  const out = a.anonymize(text);
  expect(new Anonymizer({ mapping: a.mapping }).deanonymize(out)).toBe(text);
  return out;
}

describe('IPv4', () => {
  it('maps private addresses into 10.77/16 and public ones into the documentation ranges, keeping CIDR suffixes', () => {
    expect(anon('ip 192.168.1.10/24 gw 192.168.1.1 dns 8.8.8.8 via 172.16.0.1')).toBe('ip 10.77.0.1/24 gw 10.77.0.2 dns 192.0.2.1 via 10.77.0.3');
  });
  it('keeps loopback, 0.0.0.0 and netmasks', () => {
    expect(anon('listen 0.0.0.0:8006 and 127.0.0.1, mask 255.255.255.0')).toBe('listen 0.0.0.0:8006 and 127.0.0.1, mask 255.255.255.0');
  });
  it('leaves versions, times, dates, file names and out-of-range numbers alone', () => {
    const text = 'pve-manager/8.2.4 kernel 6.8.12-4-pve version 6.8.0 at 12:30:45 on 2024-05-01T10:00:00Z debian-12.8.0-amd64-netinst.iso 1.2.3.4.5 999.1.1.1 v10.0.0.1';
    expect(anon(text)).toBe(text);
  });
  it('takes an address at the end of a sentence', () => {
    expect(anon('It is 10.1.2.3.')).toBe('It is 10.77.0.1.');
  });
});

describe('IPv6', () => {
  it('keeps the class: link-local, ULA and global; ::1 stays; zone ids and prefixes kept', () => {
    expect(anon('fe80::1%vmbr0 fd00:1::5/64 2a01:4f8:c0c:1234::2 ::1 [2a01:4f8:c0c:1234::2]:8006')).toBe(
      'fe80::77:1%vmbr0 fd77::1/64 2001:db8::1 ::1 [2001:db8::1]:8006',
    );
  });
  it('is not fooled by MACs, times, UPIDs or Perl package names', () => {
    const text = 'PVE::API2::Qemu at 12:30:45 UPID:node9:0000A1B2:0012D4F5:65F1A2B3:aptupdate::root@pam:';
    expect(anon(text)).toBe(text);
  });
});

describe('MAC addresses', () => {
  it('become locally administered addresses with the same separator and case', () => {
    expect(anon('net0: virtio=BC:24:11:2A:3B:4C,bridge=vmbr0 link/ether bc:24:11:2a:3b:4c 00-1A-2B-3C-4D-5E')).toBe(
      'net0: virtio=02:00:00:00:00:01,bridge=vmbr0 link/ether 02:00:00:00:00:02 02-00-00-00-00-03',
    );
  });
});

describe('host names', () => {
  it('replaces FQDNs with a known TLD and names under a configured domain', () => {
    expect(anon('pve1.example.de https://pve.corp.lan:8006/ db.acme.internal x.corp.acme', { domains: ['corp.acme'] })).toBe(
      'host-0001.example.invalid https://host-0002.example.invalid:8006/ host-0003.example.invalid host-0004.example.invalid',
    );
  });
  it('keeps well-known public names', () => {
    expect(anon('deb http://download.proxmox.com/debian/pve bookworm, git@github.com')).toBe('deb http://download.proxmox.com/debian/pve bookworm, user1@example.invalid');
  });
  it('leaves file names, versions and dotted identifiers alone', () => {
    const text = 'backup.sh notes.md vzdump-qemu-100.vma.zst debian-12.iso 10-eth0.network config.yml node.js main.py a.b.c';
    expect(anon(text)).toBe(text);
  });
});

describe('e-mail addresses', () => {
  it('become userN@example.invalid', () => {
    expect(anon('From: Alice <alice.smith+pve@mail.acme.io>, root@pam is no address')).toBe('From: Alice <user1@example.invalid>, root@pam is no address');
  });
});

describe('credentials', () => {
  it('replaces the secret of an API token, and only the secret', () => {
    expect(anon('Authorization: PVEAPIToken=root@pam!mpc=0b4c7a8e-1111-2222-3333-444455556666')).toBe(
      'Authorization: PVEAPIToken=root@pam!mpc=00000000-0000-4000-8000-000000000001',
    );
    expect(anon('id root@pam!ci=whatever-secret and root@pam!ci (no secret)')).toBe('id root@pam!ci=00000000-0000-4000-8000-000000000001 and root@pam!ci (no secret)');
  });
  it('replaces tickets and CSRF tokens whole', () => {
    const ticket = 'PVE:root@pam:65F1A2B3::dGhpcyBpcyBhIHNpZ25hdHVyZQ+/abc==';
    const out = anon(`Cookie: PVEAuthCookie=${ticket}; x=1\ncsrf 65F1A2B3:Hk3tqJ6m7tQm5B3k2l2c2i1o0Z8y7x6w5v4u3t2s1r0`);
    expect(out).not.toContain('65F1A2B3');
    expect(out).toMatch(/^Cookie: PVEAuthCookie=PVE:anon@pve:00000001::[A-Za-z0-9+/=]+; x=1\ncsrf 00000001:PseudonymisedCsrfToken0+1$/);
  });
  it('replaces values of password/secret/token keys in key=value, key: value and JSON, quoted or not', () => {
    const text = 'password=hunter2 db_passwd: "two words" {"cipassword": "a\\"b", "tokenSecret":"x"} PMC_VAULT_PASSPHRASE=\'p w\' client_secret=s;';
    expect(anon(text)).toBe('password=secret-0001 db_passwd: "secret-0002" {"cipassword": "secret-0003", "tokenSecret":"secret-0004"} PMC_VAULT_PASSPHRASE=\'secret-0005\' client_secret=secret-0006;');
  });
  it('keeps values that are no credential: null, booleans, masks and vault references', () => {
    const text = 'password: null token=true secret: *** password=$vault.pve password=***vault***';
    expect(anon(text)).toBe(text);
  });
  it('does not take keys that merely contain the word (password_file, tokenid)', () => {
    const text = 'password_file=/etc/pve/priv/x tokenid=mpc';
    expect(anon(text)).toBe(text);
  });
  it('replaces the body of SSH public keys (plain and %-encoded) and private keys', () => {
    const out = anon('sshkeys: ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIG%2Bx%2Fy%3D%3D%20me\nssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ== me\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXkt\nAAAAB\n-----END OPENSSH PRIVATE KEY-----\n');
    expect(out).toBe('sshkeys: ssh-ed25519%20AAAAPseudonymisedSshKey000001%20me\nssh-rsa AAAAPseudonymisedSshKey000002 me\n-----BEGIN OPENSSH PRIVATE KEY-----\nPSEUDONYMISED-PRIVATE-KEY-0001\n-----END OPENSSH PRIVATE KEY-----\n');
  });
});

describe('node and guest names', () => {
  const names = { nodeNames: ['pve1', 'pve2'], guestNames: ['web-01', 'db'] };
  it('replaces whole words only, in UPIDs and paths too', () => {
    expect(anon('pve1 pve2 web-01 db UPID:pve1:0000A1B2:0012D4F5:65F1A2B3:qmstart:100:root@pam: /etc/pve/nodes/pve1/qemu-server web-01.conf', names)).toBe(
      'node-001 node-002 guest-0001 guest-0002 UPID:node-001:0000A1B2:0012D4F5:65F1A2B3:qmstart:100:root@pam: /etc/pve/nodes/node-001/qemu-server guest-0001.conf',
    );
  });
  it('leaves longer words that contain a name alone', () => {
    const text = 'pve10 web-01-backup database xpve1 mydb db_1';
    expect(anon(text, names)).toBe(text);
  });
  it('ignores names that cannot be told from ordinary text (one character, all digits)', () => {
    const text = 'a 100 b';
    expect(anon(text, { guestNames: ['a', '100'] })).toBe(text);
  });
});

describe('neighbours', () => {
  it('a token right after an IPv6 address that ends in "::" round-trips (its pseudonym ends in a digit)', () => {
    expect(anon('a0::-root@pam!mpc=00000000-0000-1000-8000-000000000000 ')).toBe('2001:db8::1-root@pam!mpc=00000000-0000-4000-8000-000000000001 ');
    expect(anon('-root@pam!x=abc .root@pam!y=def')).toBe('-root@pam!x=00000000-0000-4000-8000-000000000001 .root@pam!y=00000000-0000-4000-8000-000000000002');
  });
});

describe('short texts (JSON and YAML run the engine on every string)', () => {
  // The engine answers a one-word text, and a short text it has seen, without a scan: the
  // answer, and the counts, must be what the scan gives inside a long text.
  const names = { nodeNames: ['pve1', 'n_2'], guestNames: ['web-01', 'db', 'x.y', 'a_b'] };
  const pad = ' '.repeat(80); // longer than any text the engine answers without a scan
  const samples = ['pve1', 'n_2', 'db', 'a_b', 'x', 'pve10', 'node', 'qemu', '2048', 'web-01', 'x.y', 'db:', '10.0.0.1', 'pve1 db', 'password=db', 'node-001', 'guest-0001', 'db_', '_db'];
  for (const direction of ['anonymize', 'deanonymize'] as const) {
    it(`${direction}: the same result and counts as a scan`, () => {
      const base = engine(names);
      const anonymised = samples.map((w) => base.anonymize(w));
      // Two engines with the same mapping (a copy each, so that their counts start at 0).
      const fast = engine({ ...names, mapping: direction === 'deanonymize' ? new PseudonymMap(base.mapping.toFile()) : undefined });
      const slow = engine({ ...names, mapping: direction === 'deanonymize' ? new PseudonymMap(base.mapping.toFile()) : undefined });
      const inputs = direction === 'anonymize' ? samples : [...anonymised, ...samples];
      for (const round of [1, 2]) {
        for (const w of inputs) {
          const expected = slow.run(pad + w, direction).slice(pad.length);
          expect(fast.run(w, direction), `${w} (round ${round})`).toBe(expected);
          // The same for a string inside a document, without copying it out first.
          expect(fast.runRange(`"${w}"`, 1, w.length + 1, direction) ?? w, `${w} in a document (round ${round})`).toBe(slow.run(pad + w, direction).slice(pad.length));
        }
      }
      expect([...fast.mapping.counts].sort()).toEqual([...slow.mapping.counts].sort());
    });
  }
});

describe('consistency and collisions', () => {
  it('gives the same value the same pseudonym and different values different ones', () => {
    const a = engine({ nodeNames: ['pve1'] });
    const out = a.anonymize('10.0.0.1 10.0.0.2 10.0.0.1 pve1 pve1 a@b.com a@b.com c@d.com');
    expect(out).toBe('10.77.0.1 10.77.0.2 10.77.0.1 node-001 node-001 user1@example.invalid user1@example.invalid user2@example.invalid');
    expect(a.anonymize('again 10.0.0.2 pve1')).toBe('again 10.77.0.2 node-001');
  });
  it('never hands out a pseudonym twice, even when an input value already looks like one', () => {
    const a = engine({ nodeNames: ['pve1'] });
    const text = 'pve1 node-001 10.0.0.1 10.77.0.1 secret=secret-0002 password=x host-0001.example.invalid pve.lan';
    const out = a.anonymize(text);
    const words = out.split(' ');
    expect(new Set(words).size).toBe(words.length);
    expect(new Anonymizer({ mapping: a.mapping }).deanonymize(out)).toBe(text);
  });
  it('no collisions over many values', () => {
    const a = engine();
    const ips = Array.from({ length: 3000 }, (_, i) => `10.${i >> 8}.${i & 255}.9`);
    const out = a.anonymize(ips.join(' ')).split(' ');
    expect(new Set(out).size).toBe(3000);
    const pub = Array.from({ length: 2000 }, (_, i) => `8.${i >> 8}.${i & 255}.9`);
    const outPub = a.anonymize(pub.join(' ')).split(' ');
    expect(new Set([...out, ...outPub]).size).toBe(5000);
    expect(outPub.every((ip) => /^(192\.0\.2|198\.51\.100|203\.0\.113|198\.1[89])\./.test(ip))).toBe(true);
  });
  it('de-anonymize leaves what the mapping did not hand out', () => {
    const d = new Anonymizer({ mapping: new PseudonymMap() });
    expect(d.deanonymize('10.77.0.1 node-001 secret=secret-0001')).toBe('10.77.0.1 node-001 secret=secret-0001');
  });
});
