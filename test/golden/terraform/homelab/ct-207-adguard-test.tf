# CT 207 "adguard-test" on node pve3: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_container" "ct_207_adguard_test" {
  node_name     = "pve3"
  vm_id         = 207
  tags          = ["dns", "test"]
  start_on_boot = false
  started       = false
  pool_id       = "lab"
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
    size         = 8
  }

  network_interface {
    name        = "eth0"
    bridge      = "vmbr0"
    mac_address = "BC:24:11:3A:76:51"
    firewall    = true
  }

  initialization {
    hostname = "adguard-test"
    ip_config {
      ipv4 {
        address = "dhcp"
      }
    }
  }

  # operating_system: PVE does not record the template this container was created from, which the provider requires (its type is "debian").
  # The provider does not read operating_system or unprivileged back from the server and would replace the container over them: lifecycle.ignore_changes keeps it.
  lifecycle {
    ignore_changes = [operating_system, unprivileged]
  }
}
