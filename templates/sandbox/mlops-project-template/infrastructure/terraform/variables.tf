# Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.
# Note: there is deliberately no client_secret variable (removed upstream),
# although mlops-templates' plan/apply still pass -var client_secret=...

variable "location" {
  type        = string
  description = "Azure region"
}

variable "prefix" {
  type        = string
  description = "Namespace used in all resource names"
}

variable "postfix" {
  type        = string
  description = "Postfix used in all resource names"
}

variable "environment" {
  type        = string
  description = "Environment name (prod or dev)"
}

variable "enable_aml_computecluster" {
  type        = bool
  description = "Create the cpu-cluster compute cluster"
}

variable "enable_monitoring" {
  type        = bool
  description = "Create the Azure Data Explorer monitoring resources"
}

# Temporary: defaults to true for v1.2.0 testing. Disables public network
# access and shared keys on storage/ACR; the ADO templates do not override it.
variable "enable_private_endpoints" {
  type        = bool
  description = "Use private endpoints for the workspace dependencies"
  default     = true
}
