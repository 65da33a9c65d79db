# CT 9100 "debian-12-base" on node pve1 (template): adopted by the import in imports.tf.
resource "proxmox_virtual_environment_container" "ct_9100_debian_12_base" {
  node_name     = "pve1"
  vm_id         = 9100
  tags          = ["template"]
  start_on_boot = false
  started       = false
  template      = true
  pool_id       = "templates"
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
    size         = 4
  }

  network_interface {
    name        = "eth0"
    bridge      = "vmbr0"
    mac_address = "BC:24:11:AB:F4:65"
    firewall    = true
  }

  initialization {
    hostname = "debian-12-base"
    ip_config {
      ipv4 {
        address = "dhcp"
      }
    }
  }

  features {
    nesting = true
  }

  # operating_system: PVE does not record the template this container was created from, which the provider requires (its type is "debian").
  # The provider does not read operating_system or unprivileged back from the server and would replace the container over them: lifecycle.ignore_changes keeps it.
  lifecycle {
    ignore_changes = [operating_system, unprivileged]
  }
}
