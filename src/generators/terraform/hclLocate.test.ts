import { describe, expect, it } from 'vitest';
import { childBlock, locateBlocks } from './hclLocate.js';

const SRC = `# a comment with { braces
resource "proxmox_virtual_environment_vm" "a" {
  name = "x { not a block"
  description = <<EOT
heredoc { with braces
}
EOT
  tags = [
    "a",
    "b",
  ]
  network_device = [{ bridge = "vmbr0" }]
  /* block comment
     cpu { */
  cpu { cores = 2 }
  disk {
    interface = "scsi0" // trailing
  }
  disk {
    interface = "\${var.x}"
  }
}

provider "proxmox" {
  endpoint = var.e
}
`;

describe('locateBlocks', () => {
  const root = locateBlocks(SRC);
  const vm = childBlock(root, 'resource', 0, ['proxmox_virtual_environment_vm', 'a'])!;

  it('finds blocks with their labels and lines, past strings, heredocs and comments', () => {
    expect(root.children.map((c) => [c.type, c.labels, c.line])).toEqual([
      ['resource', ['proxmox_virtual_environment_vm', 'a'], 2],
      ['provider', ['proxmox'], 24],
    ]);
    expect(vm.children.map((c) => [c.type, c.line])).toEqual([
      ['cpu', 15],
      ['disk', 16],
      ['disk', 19],
    ]);
  });

  it('finds attributes, multi-line ones by their first line', () => {
    expect([...vm.attrs.entries()]).toEqual([
      ['name', 3],
      ['description', 4],
      ['tags', 8],
      ['network_device', 12],
    ]);
    expect(childBlock(vm, 'cpu', 0)!.attrs.get('cores')).toBe(15);
    expect(childBlock(vm, 'disk', 1)!.attrs.get('interface')).toBe(20);
    expect(childBlock(root, 'provider', 0, ['proxmox'])!.attrs.get('endpoint')).toBe(25);
  });
});
