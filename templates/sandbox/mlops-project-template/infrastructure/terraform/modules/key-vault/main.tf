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

variable "tenant_id" {
  type = string
}

resource "azurerm_key_vault" "kv" {
  name                       = "kv-${var.prefix}-${var.postfix}${var.env}"
  resource_group_name        = var.rg_name
  location                   = var.location
  tenant_id                  = var.tenant_id
  sku_name                   = "standard"
  rbac_authorization_enabled = true
  purge_protection_enabled   = true
  soft_delete_retention_days = 90
  tags                       = var.tags
}

output "id" {
  value = azurerm_key_vault.kv.id
}
