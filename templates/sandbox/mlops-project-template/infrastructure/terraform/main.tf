# Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.

data "azurerm_client_config" "current" {}

locals {
  tags = {
    Owner       = "mlops-v2"
    Project     = "mlops-v2"
    Environment = var.environment
    Toolkit     = "terraform"
    Name        = var.prefix
  }
}

module "resource_group" {
  source   = "./modules/resource-group"
  location = var.location
  prefix   = var.prefix
  postfix  = var.postfix
  env      = var.environment
  tags     = local.tags
}

module "network" {
  source   = "./modules/network"
  rg_name  = module.resource_group.name
  location = module.resource_group.location
  prefix   = var.prefix
  postfix  = var.postfix
  env      = var.environment
  tags     = local.tags
}

module "storage_account_aml" {
  source                   = "./modules/storage-account"
  rg_name                  = module.resource_group.name
  location                 = module.resource_group.location
  prefix                   = var.prefix
  postfix                  = var.postfix
  env                      = var.environment
  enable_private_endpoints = var.enable_private_endpoints
  tags                     = local.tags
}

module "key_vault" {
  source    = "./modules/key-vault"
  rg_name   = module.resource_group.name
  location  = module.resource_group.location
  prefix    = var.prefix
  postfix   = var.postfix
  env       = var.environment
  tenant_id = data.azurerm_client_config.current.tenant_id
  tags      = local.tags
}

module "application_insights" {
  source   = "./modules/application-insights"
  rg_name  = module.resource_group.name
  location = module.resource_group.location
  prefix   = var.prefix
  postfix  = var.postfix
  env      = var.environment
  tags     = local.tags
}

module "container_registry" {
  source                   = "./modules/container-registry"
  rg_name                  = module.resource_group.name
  location                 = module.resource_group.location
  prefix                   = var.prefix
  postfix                  = var.postfix
  env                      = var.environment
  enable_private_endpoints = var.enable_private_endpoints
  tags                     = local.tags
}

module "aml_workspace" {
  source                    = "./modules/aml-workspace"
  rg_name                   = module.resource_group.name
  location                  = module.resource_group.location
  prefix                    = var.prefix
  postfix                   = var.postfix
  env                       = var.environment
  storage_account_id        = module.storage_account_aml.id
  key_vault_id              = module.key_vault.id
  application_insights_id   = module.application_insights.id
  container_registry_id     = module.container_registry.id
  enable_aml_computecluster = var.enable_aml_computecluster
  tags                      = local.tags
}

module "data_explorer" {
  source            = "./modules/data-explorer"
  rg_name           = module.resource_group.name
  location          = module.resource_group.location
  prefix            = var.prefix
  postfix           = var.postfix
  env               = var.environment
  enable_monitoring = var.enable_monitoring
  tags              = local.tags
}
