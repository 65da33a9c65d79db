# VM 113 "dev-box" on node pve3: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_vm" "vm_113_dev_box" {
  node_name     = "pve3"
  vm_id         = 113
  name          = "dev-box"
  tags          = ["dev"]
  on_boot       = false
  started       = true
  scsi_hardware = "virtio-scsi-single"
  boot_order    = ["scsi0", "ide2", "net0"]

  agent {
    enabled = true
  }

  cpu {
    cores   = 8
    sockets = 1
    type    = "x86-64-v2-AES"
  }

  memory {
    dedicated = 8192
  }

  operating_system {
    type = "l26"
  }

  cdrom {
    file_id   = "local:iso/debian-12.8.0-amd64-netinst.iso"
    interface = "ide2"
  }

  disk {
    datastore_id = "local-lvm"
    interface    = "scsi0"
    size         = 80
    iothread     = true
  }

  network_device {
    bridge      = "vmbr0"
    model       = "virtio"
    mac_address = "BC:24:11:F4:2E:B7"
    firewall    = true
  }

  # The provider looks for the CD-ROM on ide3 until its state says otherwise: the first plan after the import shows this cdrom (ide2) as added.
  # Not managed here (the provider cannot express them or does not read them back): smbios1.
}
