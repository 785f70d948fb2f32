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

variable "enable_monitoring" {
  type = bool
}

# Only created when enable_monitoring is true.
resource "azurerm_kusto_cluster" "adx" {
  count               = var.enable_monitoring ? 1 : 0
  name                = "adx${var.prefix}${var.postfix}${var.env}"
  resource_group_name = var.rg_name
  location            = var.location
  sku {
    name     = "Dev(No SLA)_Standard_E2a_v4"
    capacity = 1
  }
  tags = var.tags
}
