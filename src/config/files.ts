import type { z } from 'zod';
import { DashboardConfigSchema } from './schemas/dashboard.js';
import { GuardianConfigSchema } from './schemas/guardian.js';
import { RiskLimitsSchema } from './schemas/risk-limits.js';
import { RouterPolicySchema } from './schemas/router-policy.js';
import { StrategyConfigSchema } from './schemas/strategy-config.js';
import { StrategyRegistrySchema } from './schemas/strategy-registry.js';
import { SyncConfigSchema } from './schemas/sync.js';
import { VenuesConfigSchema } from './schemas/venues.js';

/** Every config file of `config/`, by id, with its file name and schema. The order is the load order. */
export const configFiles = {
  strategy_registry: { file: 'strategy_registry.json', schema: StrategyRegistrySchema },
  strategy_config: { file: 'strategy_config.json', schema: StrategyConfigSchema },
  risk_limits: { file: 'risk_limits.json', schema: RiskLimitsSchema },
  venues: { file: 'venues.json', schema: VenuesConfigSchema },
  router_policy: { file: 'router_policy.json', schema: RouterPolicySchema },
  sync: { file: 'sync.json', schema: SyncConfigSchema },
  dashboard: { file: 'dashboard.json', schema: DashboardConfigSchema },
  guardian: { file: 'guardian.json', schema: GuardianConfigSchema },
} as const;

export type ConfigFileId = keyof typeof configFiles;
export const configFileIds = Object.keys(configFiles) as ConfigFileId[];

/** The validated content of every config file, defaults applied. */
export type ConfigSet = { readonly [K in ConfigFileId]: z.infer<(typeof configFiles)[K]['schema']> };
