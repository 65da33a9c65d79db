# CT 200 "pihole" on node pve1: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_container" "ct_200_pihole" {
  node_name     = "pve1"
  vm_id         = 200
  tags          = ["dns", "infra"]
  start_on_boot = true
  started       = true
  pool_id       = "prod"
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
    mac_address = "BC:24:11:CA:E8:A9"
    firewall    = true
  }

  initialization {
    hostname = "pihole"
    dns {
      domain  = "home.arpa"
      servers = ["1.1.1.1"]
    }
    ip_config {
      ipv4 {
        address = "192.168.1.53/24"
        gateway = "192.168.1.1"
      }
    }
  }

  startup {
    order = 1
  }

  # operating_system: PVE does not record the template this container was created from, which the provider requires (its type is "debian").
  # The provider does not read operating_system or unprivileged back from the server and would replace the container over them: lifecycle.ignore_changes keeps it.
  lifecycle {
    ignore_changes = [operating_system, unprivileged]
  }
}
