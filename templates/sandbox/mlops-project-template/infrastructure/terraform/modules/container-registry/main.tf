# Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.

variable "rg_name" {
  type = string
}

variable "location" {
  type = string
}

variable "prefix" {
  type = string
}

variable "postfix" {
  type = string
}

variable "env" {
  type = string
}

variable "tags" {
  type = map(string)
}

variable "enable_private_endpoints" {
  type = bool
}

resource "azurerm_container_registry" "cr" {
  name                          = "cr${replace(var.prefix, "-", "")}${replace(var.postfix, "-", "")}${var.env}"
  resource_group_name           = var.rg_name
  location                      = var.location
  sku                           = "Premium"
  admin_enabled                 = false
  public_network_access_enabled = !var.enable_private_endpoints
  tags                          = var.tags
}

output "id" {
  value = azurerm_container_registry.cr.id
}
