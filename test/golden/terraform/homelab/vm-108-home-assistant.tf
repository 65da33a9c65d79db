# VM 108 "home-assistant" on node pve1: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_vm" "vm_108_home_assistant" {
  node_name     = "pve1"
  vm_id         = 108
  name          = "home-assistant"
  description   = "Home Assistant OS 14.1 (HA managed)"
  tags          = ["ha", "iot"]
  on_boot       = true
  started       = true
  bios          = "ovmf"
  machine       = "q35"
  scsi_hardware = "virtio-scsi-single"
  boot_order    = ["scsi0", "net0"]

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

  efi_disk {
    datastore_id      = "nas"
    file_format       = "qcow2"
    type              = "4m"
    pre_enrolled_keys = true
  }

  disk {
    datastore_id = "nas"
    interface    = "scsi0"
    size         = 32
    file_format  = "qcow2"
    iothread     = true
    discard      = "on"
  }

  network_device {
    bridge      = "vmbr0"
    model       = "virtio"
    mac_address = "BC:24:11:7B:43:04"
    firewall    = true
  }

  # Not managed here (the provider cannot express them or does not read them back): smbios1.
}
