/**
 * The layering of ARCHITECTURE.md §6, enforced: dependencies point one way,
 * core ← domain ← config, telemetry ← the layers ← kernel ← commands.
 */
const LAYERS = 'market|venues|indicators|ml|strategies|screener|risk|router|backtest|sync|dashboard|audit|portfolio|guardian';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    { name: 'core-is-the-root', comment: 'src/core imports no other layer', severity: 'error', from: { path: '^src/core/' }, to: { path: '^src/(?!core/)' } },
    { name: 'domain-on-core-only', severity: 'error', from: { path: '^src/domain/' }, to: { path: '^src/(?!core/|domain/)' } },
    { name: 'config-on-core-domain', severity: 'error', from: { path: '^src/config/' }, to: { path: '^src/(?!core/|domain/|config/)' } },
    { name: 'telemetry-on-core-domain', severity: 'error', from: { path: '^src/telemetry/' }, to: { path: '^src/(?!core/|domain/|telemetry/)' } },
    { name: 'layers-not-on-kernel', comment: 'only commands drive the kernel', severity: 'error', from: { path: `^src/(${LAYERS})/` }, to: { path: '^src/kernel/' } },
    {
      name: 'strategies-isolated',
      comment: 'strategies see indicators and models, never risk, venues, router or the kernel',
      severity: 'error',
      from: { path: '^src/strategies/' },
      to: { path: '^src/(?!core/|domain/|config/|telemetry/|indicators/|ml/|strategies/)' },
    },
    { name: 'risk-isolated', severity: 'error', from: { path: '^src/risk/' }, to: { path: '^src/(?!core/|domain/|config/|telemetry/|risk/)' } },
    { name: 'portfolio-isolated', severity: 'error', from: { path: '^src/portfolio/' }, to: { path: '^src/(?!core/|domain/|config/|telemetry/|portfolio/)' } },
    { name: 'src-not-on-commands', severity: 'error', from: { path: '^src/' }, to: { path: '^commands/' } },
    { name: 'pino-only-in-telemetry', severity: 'error', from: { path: '^(src|commands)/', pathNot: '^src/telemetry/' }, to: { path: 'node_modules/pino/' } },
    { name: 'ccxt-only-in-its-adapter', severity: 'error', from: { path: '^(src|commands)/', pathNot: '^src/venues/ccxt/' }, to: { path: 'node_modules/ccxt/' } },
    { name: 'binance-only-in-its-adapter', severity: 'error', from: { path: '^(src|commands)/', pathNot: '^src/venues/binance/' }, to: { path: 'node_modules/binance/' } },
    { name: 'no-dev-deps-in-product', severity: 'error', from: { path: '^(src|commands)/', pathNot: '\\.test\\.ts$' }, to: { dependencyTypes: ['npm-dev'] } },
    { name: 'no-unresolvable', severity: 'error', from: {}, to: { couldNotResolve: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js'] },
  },
};
