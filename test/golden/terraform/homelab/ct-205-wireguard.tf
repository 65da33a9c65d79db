# CT 205 "wireguard" on node pve1: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_container" "ct_205_wireguard" {
  node_name     = "pve1"
  vm_id         = 205
  tags          = ["vpn"]
  start_on_boot = true
  started       = true
  unprivileged  = true

  cpu {
    architecture = "amd64"
    cores        = 1
  }

  memory {
    dedicated = 256
    swap      = 256
  }

  disk {
    datastore_id = "local-lvm"
    size         = 2
  }

  network_interface {
    name        = "eth0"
    bridge      = "vmbr0"
    mac_address = "BC:24:11:92:95:41"
    firewall    = true
  }

  initialization {
    hostname = "wireguard"
    ip_config {
      ipv4 {
        address = "192.168.1.51/24"
        gateway = "192.168.1.1"
      }
    }
  }

  # operating_system: PVE does not record the template this container was created from, which the provider requires (its type is "alpine").
  # The provider does not read operating_system or unprivileged back from the server and would replace the container over them: lifecycle.ignore_changes keeps it.
  lifecycle {
    ignore_changes = [operating_system, unprivileged]
  }
}
