# CT 203 "gitlab-runner" on node pve2: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_container" "ct_203_gitlab_runner" {
  node_name     = "pve2"
  vm_id         = 203
  tags          = ["ci", "dev"]
  start_on_boot = true
  started       = true
  pool_id       = "lab"
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
    size         = 32
  }

  network_interface {
    name        = "eth0"
    bridge      = "vmbr0"
    mac_address = "BC:24:11:D4:06:C2"
    firewall    = true
  }

  initialization {
    hostname = "gitlab-runner"
    ip_config {
      ipv4 {
        address = "dhcp"
      }
    }
  }

  features {
    nesting = true
    keyctl  = true
  }

  # operating_system: PVE does not record the template this container was created from, which the provider requires (its type is "debian").
  # The provider does not read operating_system or unprivileged back from the server and would replace the container over them: lifecycle.ignore_changes keeps it.
  lifecycle {
    ignore_changes = [operating_system, unprivileged]
  }

  # The provider does not read features back, so the first apply after the import sets them again; PVE lets only root@pam set features other than nesting.
}
