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

# st + namespace + postfix (hyphens stripped) + env
resource "azurerm_storage_account" "st" {
  name                          = "st${replace(var.prefix, "-", "")}${replace(var.postfix, "-", "")}${var.env}"
  resource_group_name           = var.rg_name
  location                      = var.location
  account_tier                  = "Standard"
  account_replication_type      = "LRS"
  public_network_access_enabled = !var.enable_private_endpoints
  shared_access_key_enabled     = !var.enable_private_endpoints
  tags                          = var.tags
}

output "id" {
  value = azurerm_storage_account.st.id
}
