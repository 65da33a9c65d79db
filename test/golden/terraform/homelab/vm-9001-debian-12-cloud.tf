# VM 9001 "debian-12-cloud" on node pve2 (template): adopted by the import in imports.tf.
resource "proxmox_virtual_environment_vm" "vm_9001_debian_12_cloud" {
  node_name     = "pve2"
  vm_id         = 9001
  name          = "debian-12-cloud"
  tags          = ["cloud-init", "debian", "template"]
  on_boot       = false
  template      = true
  started       = false
  pool_id       = "templates"
  scsi_hardware = "virtio-scsi-single"
  boot_order    = ["scsi0"]

  agent {
    enabled = true
  }

  cpu {
    cores   = 1
    sockets = 1
    type    = "x86-64-v2-AES"
  }

  memory {
    dedicated = 1024
  }

  operating_system {
    type = "l26"
  }

  disk {
    datastore_id = "local-lvm"
    interface    = "scsi0"
    size         = 2
    iothread     = true
  }

  network_device {
    bridge      = "vmbr0"
    model       = "virtio"
    mac_address = "BC:24:11:C0:99:C2"
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
    ip_config {
      ipv4 {
        address = "dhcp"
      }
    }
    user_account {
      keys     = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN5Jq0q4mQZ8c2x6Qy3uR9Gd3lHqv0PpXc7W8yK2Tb1L admin@workstation"]
      username = "debian"
    }
  }

  # Not managed here (the provider cannot express them or does not read them back): smbios1.
}
