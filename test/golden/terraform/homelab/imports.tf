# Adopts the existing guests: terraform plan imports them instead of creating them (Terraform >= 1.5).
# The provider does not read some arguments back (the timeout_* ones, *_on_destroy, reboot, migrate,
# a container's start_on_boot and features) and reads some unset PVE options as empty (a VM's agent type,
# vga, keyboard_layout): after the import a plan may show these as in-place updates to the same values.

import {
  to = proxmox_virtual_environment_container.ct_200_pihole
  id = "pve1/200"
}

import {
  to = proxmox_virtual_environment_container.ct_201_unifi
  id = "pve2/201"
}

import {
  to = proxmox_virtual_environment_container.ct_202_plex
  id = "pve3/202"
}

import {
  to = proxmox_virtual_environment_container.ct_203_gitlab_runner
  id = "pve2/203"
}

import {
  to = proxmox_virtual_environment_container.ct_204_nginx_proxy
  id = "pve1/204"
}

import {
  to = proxmox_virtual_environment_container.ct_205_wireguard
  id = "pve1/205"
}

import {
  to = proxmox_virtual_environment_container.ct_206_mqtt
  id = "pve2/206"
}

import {
  to = proxmox_virtual_environment_container.ct_207_adguard_test
  id = "pve3/207"
}

import {
  to = proxmox_virtual_environment_container.ct_208_vaultwarden
  id = "pve3/208"
}

import {
  to = proxmox_virtual_environment_container.ct_209_grafana_ct
  id = "pve2/209"
}

import {
  to = proxmox_virtual_environment_container.ct_210_postgres_test
  id = "pve3/210"
}

import {
  to = proxmox_virtual_environment_container.ct_211
  id = "pve1/211"
}

import {
  to = proxmox_virtual_environment_container.ct_212_syncthing
  id = "pve1/212"
}

import {
  to = proxmox_virtual_environment_container.ct_213_ansible_ctl
  id = "pve2/213"
}

import {
  to = proxmox_virtual_environment_container.ct_214_minio
  id = "pve3/214"
}

import {
  to = proxmox_virtual_environment_container.ct_215_pihole_2
  id = "pve2/215"
}

import {
  to = proxmox_virtual_environment_container.ct_9100_debian_12_base
  id = "pve1/9100"
}

import {
  to = proxmox_virtual_environment_vm.vm_100_web_01
  id = "pve1/100"
}

import {
  to = proxmox_virtual_environment_vm.vm_101_web_02
  id = "pve2/101"
}

import {
  to = proxmox_virtual_environment_vm.vm_102_db_01
  id = "pve1/102"
}

import {
  to = proxmox_virtual_environment_vm.vm_103_db_02
  id = "pve3/103"
}

import {
  to = proxmox_virtual_environment_vm.vm_104_k8s_node_1
  id = "pve1/104"
}

import {
  to = proxmox_virtual_environment_vm.vm_105_k8s_node_2
  id = "pve2/105"
}

import {
  to = proxmox_virtual_environment_vm.vm_106_k8s_node_3
  id = "pve3/106"
}

import {
  to = proxmox_virtual_environment_vm.vm_107_gitlab
  id = "pve2/107"
}

import {
  to = proxmox_virtual_environment_vm.vm_108_home_assistant
  id = "pve1/108"
}

import {
  to = proxmox_virtual_environment_vm.vm_109_win11_desk
  id = "pve3/109"
}

import {
  to = proxmox_virtual_environment_vm.vm_111_opnsense
  id = "pve1/111"
}

import {
  to = proxmox_virtual_environment_vm.vm_112_docker_host
  id = "pve1/112"
}

import {
  to = proxmox_virtual_environment_vm.vm_113_dev_box
  id = "pve3/113"
}

import {
  to = proxmox_virtual_environment_vm.vm_114_test_vm
  id = "pve2/114"
}

import {
  to = proxmox_virtual_environment_vm.vm_115_nextcloud
  id = "pve3/115"
}

import {
  to = proxmox_virtual_environment_vm.vm_116
  id = "pve2/116"
}

import {
  to = proxmox_virtual_environment_vm.vm_117_monitoring
  id = "pve1/117"
}

import {
  to = proxmox_virtual_environment_vm.vm_118_k8s_control
  id = "pve1/118"
}

import {
  to = proxmox_virtual_environment_vm.vm_119_backup_proxy
  id = "pve2/119"
}

import {
  to = proxmox_virtual_environment_vm.vm_9000_ubuntu_24_04_cloud
  id = "pve1/9000"
}

import {
  to = proxmox_virtual_environment_vm.vm_9001_debian_12_cloud
  id = "pve2/9001"
}
