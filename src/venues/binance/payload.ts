import type { Instrument } from '../../domain/instrument.js';
import type { SubmitOrder } from '../../domain/order.js';

/** Binance order types as the API names them. */
export const BinanceOrderTypes = { market: 'MARKET', limit: 'LIMIT', stop_market: 'STOP_MARKET', take_profit_market: 'TAKE_PROFIT_MARKET' } as const;

const COMMON = ['symbol', 'side', 'type', 'quantity', 'reduceOnly', 'newClientOrderId', 'newOrderRespType'] as const;

const ALGO = ['algoType', 'symbol', 'side', 'type', 'quantity', 'triggerPrice', 'workingType', 'priceProtect', 'reduceOnly', 'clientAlgoId'] as const;

/**
 * The parameters Binance accepts per order type in one-way mode: `POST /fapi/v1/order` for market and
 * limit orders, `POST /fapi/v1/algoOrder` for stop-market and take-profit-market (conditional orders
 * moved to the Algo service on 2025-12-09; the classic endpoint answers -4120). Nothing else leaves the
 * process: Binance rejects a parameter it does not expect for the type (-1106), and in one-way mode
 * `positionSide` must not be sent.
 */
export const ALLOWED_ORDER_PARAMS: Readonly<Record<string, readonly string[]>> = {
  MARKET: COMMON,
  LIMIT: [...COMMON, 'price', 'timeInForce'],
  STOP_MARKET: ALGO,
  TAKE_PROFIT_MARKET: ALGO,
};

/** Conditional orders go to the Algo service. */
export function isAlgoType(type: SubmitOrder['type']): boolean {
  return type === 'stop_market' || type === 'take_profit_market';
}

/** Keeps only the parameters Binance accepts for the order's `type`; drops empty values. */
export function cleanOrderParams(params: Readonly<Record<string, unknown>>): Record<string, string> {
  const allowed = ALLOWED_ORDER_PARAMS[String(params['type'])] ?? [];
  const out: Record<string, string> = {};
  for (const key of allowed) {
    const v = params[key];
    if (v === undefined || v === null || v === '') continue;
    out[key] = String(v);
  }
  return out;
}

/** The request parameters of an order, on the instrument's grid as exact decimal text, cleaned. */
export function orderParams(inst: Instrument, cmd: SubmitOrder): Record<string, string> {
  const algo = isAlgoType(cmd.type);
  return cleanOrderParams({
    algoType: algo ? 'CONDITIONAL' : undefined,
    triggerPrice: algo && cmd.stopPrice !== undefined ? inst.formatPrice(cmd.stopPrice) : undefined,
    clientAlgoId: algo ? cmd.clientOrderId : undefined,
    priceProtect: algo ? 'true' : undefined,
    symbol: cmd.symbol,
    side: cmd.side.toUpperCase(),
    type: BinanceOrderTypes[cmd.type],
    quantity: inst.formatQty(cmd.qty),
    price: cmd.price === undefined ? undefined : inst.formatPrice(cmd.price),
    timeInForce: cmd.type === 'limit' ? (cmd.timeInForce ?? 'GTC') : undefined,
    reduceOnly: cmd.reduceOnly ? 'true' : undefined,
    workingType: cmd.type === 'stop_market' || cmd.type === 'take_profit_market' ? 'MARK_PRICE' : undefined,
    newClientOrderId: algo ? undefined : cmd.clientOrderId,
    newOrderRespType: algo ? undefined : 'RESULT',
  });
}
