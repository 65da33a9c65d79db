# VM 109 "win11-desk" on node pve3: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_vm" "vm_109_win11_desk" {
  node_name     = "pve3"
  vm_id         = 109
  name          = "win11-desk"
  tags          = ["desktop", "windows"]
  on_boot       = false
  started       = false
  bios          = "ovmf"
  machine       = "q35"
  scsi_hardware = "virtio-scsi-single"
  boot_order    = ["sata0", "ide2", "net0"]

  cpu {
    cores   = 4
    sockets = 1
    type    = "host"
  }

  memory {
    dedicated = 16384
  }

  operating_system {
    type = "win11"
  }

  cdrom {
    file_id   = "nas:iso/Win11_24H2_English_x64.iso"
    interface = "ide2"
  }

  efi_disk {
    datastore_id      = "local-lvm"
    type              = "4m"
    pre_enrolled_keys = true
  }

  tpm_state {
    datastore_id = "local-lvm"
  }

  disk {
    datastore_id = "local-lvm"
    interface    = "sata0"
    size         = 128
  }

  disk {
    datastore_id = "local-lvm"
    interface    = "sata1"
    size         = 256
  }

  network_device {
    bridge      = "vmbr0"
    model       = "e1000e"
    mac_address = "BC:24:11:E6:F8:B5"
    firewall    = true
  }

  # The provider looks for the CD-ROM on ide3 until its state says otherwise: the first plan after the import shows this cdrom (ide2) as added.
  # Not managed here (the provider cannot express them or does not read them back): smbios1.
}
