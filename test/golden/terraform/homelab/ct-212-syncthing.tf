# CT 212 "syncthing" on node pve1: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_container" "ct_212_syncthing" {
  node_name     = "pve1"
  vm_id         = 212
  tags          = ["files"]
  start_on_boot = true
  started       = true
  unprivileged  = true

  cpu {
    architecture = "amd64"
    cores        = 1
  }

  memory {
    dedicated = 1024
    swap      = 512
  }

  disk {
    datastore_id = "local-lvm"
    size         = 8
  }

  mount_point {
    volume = "nas:212/vm-212-disk-0.raw"
    path   = "/srv/sync"
    size   = "200G"
  }

  network_interface {
    name        = "eth0"
    bridge      = "vmbr0"
    mac_address = "BC:24:11:E7:E6:4B"
    firewall    = true
  }

  initialization {
    hostname = "syncthing"
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
