# CT 215 "pihole-2" on node pve2: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_container" "ct_215_pihole_2" {
  node_name     = "pve2"
  vm_id         = 215
  tags          = ["dns", "ha", "infra"]
  start_on_boot = true
  started       = true
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
    datastore_id = "nas"
    size         = 8
  }

  network_interface {
    name        = "eth0"
    bridge      = "vmbr0"
    mac_address = "BC:24:11:26:78:FE"
    firewall    = true
  }

  initialization {
    hostname = "pihole-2"
    ip_config {
      ipv4 {
        address = "192.168.1.54/24"
        gateway = "192.168.1.1"
      }
    }
  }

  # operating_system: PVE does not record the template this container was created from, which the provider requires (its type is "debian").
  # The provider does not read operating_system or unprivileged back from the server and would replace the container over them: lifecycle.ignore_changes keeps it.
  lifecycle {
    ignore_changes = [operating_system, unprivileged]
  }
}
