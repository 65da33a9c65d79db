# VM 116 "VM 116" on node pve2: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_vm" "vm_116" {
  node_name     = "pve2"
  vm_id         = 116
  on_boot       = false
  started       = false
  scsi_hardware = "virtio-scsi-single"
  boot_order    = ["scsi0", "ide2", "net0"]

  cpu {
    cores   = 1
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
    interface    = "scsi0"
    size         = 32
    iothread     = true
  }

  network_device {
    bridge      = "vmbr0"
    model       = "virtio"
    mac_address = "BC:24:11:A5:A1:CD"
    firewall    = true
  }

  # The provider looks for the CD-ROM on ide3 until its state says otherwise: the first plan after the import shows this cdrom (ide2) as added.
  # Not managed here (the provider cannot express them or does not read them back): smbios1.
}
