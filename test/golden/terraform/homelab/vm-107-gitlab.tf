# VM 107 "gitlab" on node pve2: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_vm" "vm_107_gitlab" {
  node_name     = "pve2"
  vm_id         = 107
  name          = "gitlab"
  tags          = ["dev", "git"]
  on_boot       = true
  started       = true
  pool_id       = "prod"
  scsi_hardware = "virtio-scsi-single"
  boot_order    = ["scsi0", "ide2", "net0"]

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

  cdrom {
    file_id   = "none"
    interface = "ide2"
  }

  disk {
    datastore_id = "local-lvm"
    interface    = "scsi0"
    size         = 50
    iothread     = true
  }

  disk {
    datastore_id = "nas"
    interface    = "scsi1"
    size         = 250
    file_format  = "qcow2"
    iothread     = true
  }

  network_device {
    bridge      = "vmbr0"
    model       = "virtio"
    mac_address = "BC:24:11:9E:8B:A5"
    firewall    = true
  }

  # The provider looks for the CD-ROM on ide3 until its state says otherwise: the first plan after the import shows this cdrom (ide2) as added.
  # Not managed here (the provider cannot express them or does not read them back): smbios1.
}
