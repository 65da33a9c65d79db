# CT 208 "vaultwarden" on node pve3: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_container" "ct_208_vaultwarden" {
  node_name     = "pve3"
  vm_id         = 208
  tags          = ["prod", "security"]
  start_on_boot = true
  started       = true
  pool_id       = "prod"
  unprivileged  = true
  protection    = true

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

  network_interface {
    name        = "eth0"
    bridge      = "vmbr0"
    mac_address = "BC:24:11:81:5B:2B"
    firewall    = true
  }

  initialization {
    hostname = "vaultwarden"
    ip_config {
      ipv4 {
        address = "192.168.1.60/24"
        gateway = "192.168.1.1"
      }
      ipv6 {
        address = "auto"
      }
    }
  }

  # operating_system: PVE does not record the template this container was created from, which the provider requires (its type is "debian").
  # The provider does not read operating_system or unprivileged back from the server and would replace the container over them: lifecycle.ignore_changes keeps it.
  lifecycle {
    ignore_changes = [operating_system, unprivileged]
  }
}
