# CT 209 "grafana-ct" on node pve2: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_container" "ct_209_grafana_ct" {
  node_name     = "pve2"
  vm_id         = 209
  tags          = ["monitoring"]
  start_on_boot = false
  started       = true
  unprivileged  = true

  cpu {
    architecture = "amd64"
    cores        = 2
  }

  memory {
    dedicated = 1024
    swap      = 512
  }

  disk {
    datastore_id = "local-lvm"
    size         = 8
  }

  network_interface {
    name        = "eth0"
    bridge      = "vmbr0"
    mac_address = "BC:24:11:C0:B6:D3"
    firewall    = true
  }

  initialization {
    hostname = "grafana-ct"
    ip_config {
      ipv4 {
        address = "dhcp"
      }
    }
  }

  # operating_system: PVE does not record the template this container was created from, which the provider requires (its type is "ubuntu").
  # The provider does not read operating_system or unprivileged back from the server and would replace the container over them: lifecycle.ignore_changes keeps it.
  lifecycle {
    ignore_changes = [operating_system, unprivileged]
  }
}
