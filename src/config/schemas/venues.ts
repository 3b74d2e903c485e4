import { z } from 'zod';
import { envVarNameField, idField, schemaRefField, schemaVersionField } from '../fields.js';

/** Fees in basis points of notional. */
export const FeesSchema = z.strictObject({
  maker_bps: z.number().min(-10).max(100).default(2).describe('Maker fee, bps of notional (negative = rebate)'),
  taker_bps: z.number().min(0).max(100).default(5).describe('Taker fee, bps of notional'),
});

const urlField = z
  .string()
  .regex(/^(https?|wss?):\/\/[^\s/?#]+(:\d+)?(\/[^\s]*)?$/, 'an http(s) or ws(s) URL')
  .describe('Endpoint URL');

const EndpointsSchema = z.strictObject({ rest: urlField, ws: urlField.optional() });

/** The simulated venue: the embedded default. */
export const PaperVenueSchema = z.strictObject({
  type: z.literal('paper'),
  fees: FeesSchema.default({ maker_bps: 2, taker_bps: 5 }),
  slippage: z
    .strictObject({
      spread_bps: z.number().min(0).max(100).default(1).describe('Assumed full spread when no book is known'),
      impact_bps_per_10k_usd: z.number().min(0).max(100).default(0.5).describe('Extra slippage per 10,000 USD of size'),
    })
    .default({ spread_bps: 1, impact_bps_per_10k_usd: 0.5 }),
  instruments: z.literal('bundled').default('bundled').describe('Instrument filters come from the bundled exchangeInfo'),
  market_data: idField.optional().describe('A binance-usdm venue whose public market data (bars, book, funding) drives live dry-run cycles (--once, --loop); --replay needs none'),
});

/** Binance USD-M futures through the `binance` SDK. */
export const BinanceVenueSchema = z.strictObject({
  type: z.literal('binance-usdm'),
  endpoints: z.strictObject({ prod: EndpointsSchema, testnet: EndpointsSchema }),
  recv_window_ms: z.number().int().min(1).max(60_000).default(5_000).describe('recvWindow sent with signed requests'),
  timeout_ms: z.number().int().min(100).max(60_000).default(10_000).describe('HTTP timeout of one request; a write that times out is looked up by client id, never blindly resent'),
  fees: FeesSchema.default({ maker_bps: 2, taker_bps: 5 }),
});

/** Any other venue through ccxt (OKX, Bybit, Deribit, …). */
export const CcxtVenueSchema = z.strictObject({
  type: z.literal('ccxt'),
  exchange_id: z.string().regex(/^[a-z0-9]+$/, 'a ccxt exchange id such as "okx"'),
  markets_file: z.string().optional().describe('Saved markets JSON, so nothing needs a network until an order is sent'),
  endpoints: z.strictObject({ prod: EndpointsSchema.optional(), testnet: EndpointsSchema.optional() }).default({}),
  fees: FeesSchema.default({ maker_bps: 2, taker_bps: 5 }),
});

export const VenueSchema = z.discriminatedUnion('type', [PaperVenueSchema, BinanceVenueSchema, CcxtVenueSchema]);

/** Trading permission of an account, on top of ENV and ALLOW_PROD_WRITE. */
export const AccountTradingModes = ['disabled', 'dry-run', 'live'] as const;

/** One trading account on a venue, with its own positions and limits. */
export const AccountSchema = z.strictObject({
  venue: idField.describe('Key of the venue in `venues`'),
  trading: z
    .enum(AccountTradingModes)
    .default('dry-run')
    .describe('live lets this account send real orders, and only when ENV is prod/testnet and ALLOW_PROD_WRITE=1'),
  starting_nav_usd: z.number().positive().default(10_000).describe('Starting NAV for the paper venue'),
  strategies: z.array(idField).min(1).optional().describe('Strategy ids this account runs; omitted means every enabled one'),
  api_key_env: envVarNameField.optional(),
  api_secret_env: envVarNameField.optional(),
  position_mode: z.enum(['one-way', 'hedge']).default('one-way').describe('Expected; checked at start, never changed'),
  multi_assets_mode: z.boolean().default(false).describe('Expected; checked at start, never changed'),
  margin_type: z.enum(['isolated', 'cross']).default('isolated'),
});

/** `config/venues.json`: venues, accounts and environment endpoints. */
export const VenuesConfigSchema = z
  .strictObject({
    $schema: schemaRefField,
    schema_version: schemaVersionField,
    default_account: idField.describe('Account the executor runs when none is named'),
    venues: z.record(idField, VenueSchema),
    accounts: z.record(idField, AccountSchema),
  })
  .superRefine((c, ctx) => {
    if (!(c.default_account in c.accounts))
      ctx.addIssue({ code: 'custom', path: ['default_account'], message: `a key of accounts (${Object.keys(c.accounts).join(', ')})` });
    for (const [id, v] of Object.entries(c.venues)) {
      if (v.type !== 'paper' || v.market_data === undefined) continue;
      const source = c.venues[v.market_data];
      if (source?.type !== 'binance-usdm') {
        const known = Object.entries(c.venues).filter(([, x]) => x.type === 'binance-usdm').map(([k]) => k);
        ctx.addIssue({ code: 'custom', path: ['venues', id, 'market_data'], message: `a binance-usdm venue of venues (${known.join(', ') || 'none defined'})` });
      }
    }
    for (const [id, a] of Object.entries(c.accounts)) {
      const venue = c.venues[a.venue];
      if (venue === undefined) {
        ctx.addIssue({ code: 'custom', path: ['accounts', id, 'venue'], message: `a key of venues (${Object.keys(c.venues).join(', ')})` });
        continue;
      }
      if (venue.type !== 'paper' && a.trading === 'live' && (a.api_key_env === undefined || a.api_secret_env === undefined))
        ctx.addIssue({ code: 'custom', path: ['accounts', id], message: 'api_key_env and api_secret_env for a live account' });
      if (venue.type === 'paper' && a.trading === 'live')
        ctx.addIssue({ code: 'custom', path: ['accounts', id, 'trading'], message: '"dry-run" or "disabled" on a paper venue' });
    }
  });
export type VenuesConfig = z.infer<typeof VenuesConfigSchema>;
export type AccountConfig = z.infer<typeof AccountSchema>;
