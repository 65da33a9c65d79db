# CT 206 "mqtt" on node pve2: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_container" "ct_206_mqtt" {
  node_name     = "pve2"
  vm_id         = 206
  tags          = ["iot"]
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
    datastore_id = "local-lvm"
    size         = 8
  }

  network_interface {
    name        = "eth0"
    bridge      = "vmbr0"
    mac_address = "BC:24:11:9E:D2:0B"
    firewall    = true
  }

  initialization {
    hostname = "mqtt"
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
