# CT 202 "plex" on node pve3: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_container" "ct_202_plex" {
  node_name     = "pve3"
  vm_id         = 202
  tags          = ["media"]
  start_on_boot = true
  started       = true
  unprivileged  = true

  cpu {
    architecture = "amd64"
    cores        = 4
  }

  memory {
    dedicated = 4096
    swap      = 512
  }

  disk {
    datastore_id = "local-lvm"
    size         = 16
  }

  mount_point {
    volume = "local-lvm:vm-202-disk-1"
    path   = "/data"
    size   = "100G"
    backup = true
  }

  network_interface {
    name        = "eth0"
    bridge      = "vmbr0"
    mac_address = "BC:24:11:E7:23:2B"
    firewall    = true
  }

  initialization {
    hostname = "plex"
    ip_config {
      ipv4 {
        address = "dhcp"
      }
    }
  }

  features {
    nesting = true
  }

  # operating_system: PVE does not record the template this container was created from, which the provider requires (its type is "ubuntu").
  # The provider does not read operating_system or unprivileged back from the server and would replace the container over them: lifecycle.ignore_changes keeps it.
  lifecycle {
    ignore_changes = [operating_system, unprivileged]
  }
}
