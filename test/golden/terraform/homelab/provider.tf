# Credentials come ONLY from the environment, never from these files:
#   PROXMOX_VE_API_TOKEN="user@realm!tokenid=secret"
#   or PROXMOX_VE_USERNAME and PROXMOX_VE_PASSWORD.
# The endpoint and TLS checking come from variables (see variables.tf);
# PROXMOX_VE_ENDPOINT / PROXMOX_VE_INSECURE are used when the variables are null.
provider "proxmox" {
  endpoint = var.proxmox_endpoint
  insecure = var.proxmox_insecure
}
