# VM 106 "k8s-node-3" on node pve3: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_vm" "vm_106_k8s_node_3" {
  node_name     = "pve3"
  vm_id         = 106
  name          = "k8s-node-3"
  description   = "k3s worker, cloned from ubuntu-24.04-cloud"
  tags          = ["k8s", "lab"]
  on_boot       = true
  started       = true
  pool_id       = "lab"
  scsi_hardware = "virtio-scsi-single"
  boot_order    = ["scsi0"]

  agent {
    enabled = true
  }

  cpu {
    cores   = 4
    sockets = 1
    type    = "x86-64-v2-AES"
  }

  memory {
    dedicated = 8192
  }

  operating_system {
    type = "l26"
  }

  disk {
    datastore_id = "local-lvm"
    interface    = "scsi0"
    size         = 64
    iothread     = true
    ssd          = true
    discard      = "on"
  }

  network_device {
    bridge      = "vmbr0"
    model       = "virtio"
    mac_address = "BC:24:11:1F:D6:14"
    firewall    = true
  }

  serial_device {
    device = "socket"
  }

  vga {
    type = "serial0"
  }

  initialization {
    datastore_id = "local-lvm"
    interface    = "ide2"
    dns {
      domain  = "home.arpa"
      servers = ["192.168.1.53"]
    }
    ip_config {
      ipv4 {
        address = "192.168.1.43/24"
        gateway = "192.168.1.1"
      }
    }
    user_account {
      keys     = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN5Jq0q4mQZ8c2x6Qy3uR9Gd3lHqv0PpXc7W8yK2Tb1L admin@workstation"]
      username = "ubuntu"
    }
  }

  # Not managed here (the provider cannot express them or does not read them back): smbios1.
}
