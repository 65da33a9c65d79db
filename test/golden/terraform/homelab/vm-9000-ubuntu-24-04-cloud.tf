# VM 9000 "ubuntu-24.04-cloud" on node pve1 (template): adopted by the import in imports.tf.
resource "proxmox_virtual_environment_vm" "vm_9000_ubuntu_24_04_cloud" {
  node_name     = "pve1"
  vm_id         = 9000
  name          = "ubuntu-24.04-cloud"
  description   = "Ubuntu 24.04 LTS cloud image (noble-server-cloudimg-amd64.img)"
  tags          = ["cloud-init", "template", "ubuntu"]
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
    cores   = 2
    sockets = 1
    type    = "x86-64-v2-AES"
  }

  memory {
    dedicated = 2048
  }

  operating_system {
    type = "l26"
  }

  disk {
    datastore_id = "local-lvm"
    interface    = "scsi0"
    iothread     = true
    ssd          = true
    discard      = "on"
  }

  network_device {
    bridge      = "vmbr0"
    model       = "virtio"
    mac_address = "BC:24:11:44:A3:1A"
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
      username = "ubuntu"
    }
  }

  # scsi0 is 3584M, not a whole number of GiB (the provider's unit): its size is not written.
  # Not managed here (the provider cannot express them or does not read them back): smbios1.
}
