# CT 211 "CT211" on node pve1: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_container" "ct_211" {
  node_name     = "pve1"
  vm_id         = 211
  start_on_boot = false
  started       = false
  unprivileged  = true

  cpu {
    architecture = "amd64"
    cores        = 1
  }

  memory {
    dedicated = 512
    swap      = 512
  }

  disk {
    datastore_id = "local-lvm"
    size         = 2
  }

  network_interface {
    name        = "eth0"
    bridge      = "vmbr0"
    mac_address = "BC:24:11:79:8F:04"
    firewall    = true
  }

  initialization {
    ip_config {
      ipv4 {
        address = "dhcp"
      }
    }
  }

  # operating_system: PVE does not record the template this container was created from, which the provider requires (its type is "alpine").
  # The provider does not read operating_system or unprivileged back from the server and would replace the container over them: lifecycle.ignore_changes keeps it.
  lifecycle {
    ignore_changes = [operating_system, unprivileged]
  }

  # cores is not set in PVE (the container may use every host core); the provider writes 1.
}
