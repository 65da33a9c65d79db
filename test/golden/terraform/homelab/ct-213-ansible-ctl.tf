# CT 213 "ansible-ctl" on node pve2: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_container" "ct_213_ansible_ctl" {
  node_name     = "pve2"
  vm_id         = 213
  tags          = ["automation"]
  start_on_boot = false
  started       = true
  pool_id       = "lab"
  unprivileged  = false

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
    mac_address = "BC:24:11:74:47:C7"
    firewall    = true
  }

  initialization {
    hostname = "ansible-ctl"
    ip_config {
      ipv4 {
        address = "dhcp"
      }
    }
  }

  # operating_system: PVE does not record the template this container was created from, which the provider requires (its type is "alpine").
  # The provider does not read operating_system or unprivileged back from the server and would replace the container over them: lifecycle.ignore_changes keeps it.
  lifecycle {
    ignore_changes = [operating_system, unprivileged]
  }
}
