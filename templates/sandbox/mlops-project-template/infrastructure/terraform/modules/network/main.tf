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

resource "azurerm_virtual_network" "vnet" {
  name                = "vnet-${var.prefix}-${var.postfix}${var.env}"
  resource_group_name = var.rg_name
  location            = var.location
  address_space       = ["10.0.0.0/16"]
  tags                = var.tags
}

resource "azurerm_network_security_group" "nsg_training" {
  name                = "nsg-training-${var.prefix}-${var.postfix}${var.env}"
  resource_group_name = var.rg_name
  location            = var.location
  tags                = var.tags
}

output "vnet_id" {
  value = azurerm_virtual_network.vnet.id
}
