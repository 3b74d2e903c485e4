import { createRegistry } from '../core/registry.js';
import type { BarsView } from '../strategies/define-strategy.js';
import { logReturn, returnVol } from '../strategies/series-math.js';

/** A model of the feature pipeline: reads bars, returns a score in [0, 1] (the ML hook's input). */
export interface ScoreModel {
  readonly name: string;
  readonly summary: string;
  score(bars: BarsView): number | undefined;
}

/**
 * The built-in baseline: a logistic of the 48-bar return z-score, so 0.5 is no edge and the ML hook has
 * something transparent to read until a trained model is registered beside it.
 */
export const momentumLogistic: ScoreModel = {
  name: 'momentum-logistic',
  summary: 'logistic(z) of the 48-bar log return, z in units of its expected spread over 168 bars',
  score(bars) {
    const r = logReturn(bars, 48);
    const v = returnVol(bars, 168);
    if (r === undefined || v === undefined || v === 0) return undefined;
    return 1 / (1 + Math.exp(-r / (v * Math.sqrt(48))));
  },
};

/** Score models the ML hook can read, by name. */
export const scoreModels = createRegistry<ScoreModel>('score model').add(momentumLogistic);
