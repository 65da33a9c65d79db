# CT 204 "nginx-proxy" on node pve1: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_container" "ct_204_nginx_proxy" {
  node_name     = "pve1"
  vm_id         = 204
  tags          = ["infra", "web"]
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
    mac_address = "BC:24:11:31:28:70"
    firewall    = true
  }

  initialization {
    hostname = "nginx-proxy"
    ip_config {
      ipv4 {
        address = "192.168.1.80/24"
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
