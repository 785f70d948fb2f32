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

resource "azurerm_application_insights" "appi" {
  name                = "appi-${var.prefix}-${var.postfix}${var.env}"
  resource_group_name = var.rg_name
  location            = var.location
  application_type    = "web"
  tags                = var.tags
}

output "id" {
  value = azurerm_application_insights.appi.id
}
