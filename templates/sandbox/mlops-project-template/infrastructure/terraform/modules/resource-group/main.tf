# Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.

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

resource "azurerm_resource_group" "adl_rg" {
  name     = "rg-${var.prefix}-${var.postfix}${var.env}"
  location = var.location
  tags     = var.tags
}

output "name" {
  value = azurerm_resource_group.adl_rg.name
}

output "location" {
  value = azurerm_resource_group.adl_rg.location
}
