import { createRegistry } from '../core/registry.js';
import type { StrategyDeclaration } from './define-strategy.js';
import { mlScore } from './ml-score/declaration.js';
import { momentum } from './momentum/declaration.js';
import { relativeValue } from './relative-value/declaration.js';
import { smaCross } from './sma-cross/declaration.js';
import { smartMoney } from './smart-money/declaration.js';
import { volTarget } from './vol-target/declaration.js';

/** Every strategy plugin hedge knows. Adding one is adding its folder and one line here. */
export const strategyPlugins = createRegistry<StrategyDeclaration>('strategy plugin')
  .add(momentum)
  .add(volTarget)
  .add(relativeValue)
  .add(smartMoney)
  .add(mlScore)
  .add(smaCross);
