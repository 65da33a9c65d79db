# VM 119 "backup-proxy" on node pve2: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_vm" "vm_119_backup_proxy" {
  node_name     = "pve2"
  vm_id         = 119
  name          = "backup-proxy"
  tags          = ["backup"]
  on_boot       = true
  started       = true
  scsi_hardware = "virtio-scsi-single"
  boot_order    = ["virtio0", "ide2", "net0"]

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

  cdrom {
    file_id   = "none"
    interface = "ide2"
  }

  disk {
    datastore_id = "local-lvm"
    interface    = "virtio0"
    size         = 20
    iothread     = true
  }

  network_device {
    bridge      = "vmbr0"
    model       = "virtio"
    mac_address = "BC:24:11:DE:74:40"
    firewall    = true
  }

  # The provider looks for the CD-ROM on ide3 until its state says otherwise: the first plan after the import shows this cdrom (ide2) as added.
  # Not managed here (the provider cannot express them or does not read them back): smbios1.
}
