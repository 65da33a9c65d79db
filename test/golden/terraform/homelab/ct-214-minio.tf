# CT 214 "minio" on node pve3: adopted by the import in imports.tf.
resource "proxmox_virtual_environment_container" "ct_214_minio" {
  node_name     = "pve3"
  vm_id         = 214
  tags          = ["s3", "storage"]
  start_on_boot = false
  started       = true
  unprivileged  = true

  cpu {
    architecture = "amd64"
    cores        = 2
  }

  memory {
    dedicated = 2048
    swap      = 512
  }

  disk {
    datastore_id = "local-lvm"
    size         = 16
  }

  mount_point {
    volume = "local-lvm:vm-214-disk-1"
    path   = "/data"
    size   = "250G"
  }

  network_interface {
    name        = "eth0"
    bridge      = "vmbr0"
    mac_address = "BC:24:11:81:06:77"
    firewall    = true
  }

  initialization {
    hostname = "minio"
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
