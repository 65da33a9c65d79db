# VM 118 "k8s-control" on node pve1: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_vm" "vm_118_k8s_control" {
  node_name     = "pve1"
  vm_id         = 118
  name          = "k8s-control"
  tags          = ["k8s", "lab"]
  on_boot       = true
  started       = true
  pool_id       = "lab"
  scsi_hardware = "virtio-scsi-single"
  boot_order    = ["scsi0", "ide2", "net0"]

  agent {
    enabled = true
  }

  cpu {
    cores   = 2
    sockets = 1
    type    = "x86-64-v2-AES"
  }

  memory {
    dedicated = 4096
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
    mac_address = "BC:24:11:50:F1:5E"
    firewall    = true
  }

  # The provider looks for the CD-ROM on ide3 until its state says otherwise: the first plan after the import shows this cdrom (ide2) as added.
  # Not managed here (the provider cannot express them or does not read them back): smbios1.
}
