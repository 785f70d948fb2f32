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

variable "storage_account_id" {
  type = string
}

variable "key_vault_id" {
  type = string
}

variable "application_insights_id" {
  type = string
}

variable "container_registry_id" {
  type = string
}

variable "enable_aml_computecluster" {
  type = bool
}

resource "azurerm_user_assigned_identity" "uai" {
  name                = "uai-${var.prefix}-${var.postfix}${var.env}"
  resource_group_name = var.rg_name
  location            = var.location
  tags                = var.tags
}

# Role assignments need Owner / User Access Administrator, not Contributor.
resource "azurerm_role_assignment" "uai_kv" {
  scope                = var.key_vault_id
  role_definition_name = "Key Vault Administrator"
  principal_id         = azurerm_user_assigned_identity.uai.principal_id
}

resource "azurerm_machine_learning_workspace" "mlw" {
  name                    = "mlw-${var.prefix}-${var.postfix}${var.env}"
  resource_group_name     = var.rg_name
  location                = var.location
  storage_account_id      = var.storage_account_id
  key_vault_id            = var.key_vault_id
  application_insights_id = var.application_insights_id
  container_registry_id   = var.container_registry_id
  identity {
    type = "SystemAssigned"
  }
  tags = var.tags
}

resource "azurerm_machine_learning_compute_cluster" "cpu_cluster" {
  count                         = var.enable_aml_computecluster ? 1 : 0
  name                          = "cpu-cluster"
  location                      = var.location
  machine_learning_workspace_id = azurerm_machine_learning_workspace.mlw.id
  vm_priority                   = "Dedicated"
  vm_size                       = "STANDARD_D4S_V3"
  scale_settings {
    min_node_count                       = 0
    max_node_count                       = 4
    scale_down_nodes_after_idle_duration = "PT120S"
  }
  identity {
    type = "SystemAssigned"
  }
}

output "name" {
  value = azurerm_machine_learning_workspace.mlw.name
}
