variable "proxmox_endpoint" {
  description = "The Proxmox VE API endpoint (profile homelab, cluster homelab)."
  type        = string
  default     = "https://pve1.home.arpa:8006"
}

variable "proxmox_insecure" {
  description = "Skip TLS certificate verification (a self-signed certificate). Set TF_VAR_proxmox_insecure=true to use it."
  type        = bool
  default     = false
}
