import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';

export default class RegimeFit extends BaseCommand<typeof RegimeFit> {
  static override summary = 'Fit the Gaussian HMM to one column of a CSV; print the fit, its Viterbi path and the regime of each state.';
  static override description = `Diagonal-covariance Gaussian HMM, Baum-Welch until the log-likelihood improves by less than --tol (or --iterations),
maximum-likelihood updates (no covariance prior), agreeing with hmmlearn's GaussianHMM(covariance_type='diag', covars_prior=0).
Without --init it starts from k-means (k-means++ seeded by --seed), uniform start and transition probabilities and the data's variance.
States are named calm (lowest variance), chaos (highest) and trend. --save keeps the model under <state-dir>/cache/models/ with its
training range, data hash and fingerprint, and appends it to the lineage log there.`;
  static override examples = [
    { description: 'Fit three regimes from given starting parameters, 20 iterations', command: '<%= config.bin %> <%= command.id %> --input returns.csv --column x --states 3 --init init.json --iterations 20 --tol 0 --json' },
    { description: 'Fit and save a model for the screener', command: '<%= config.bin %> <%= command.id %> --input returns.csv --column r --states 3 --seed 7 --save' },
  ];
  static override flags = {
    input: Flags.file({ summary: 'CSV file with a header row.', required: true, exists: true }),
    column: Flags.string({ summary: 'Column to fit.', required: true }),
    states: Flags.integer({ summary: 'Number of hidden states.', default: 3, min: 1, max: 20 }),
    init: Flags.file({ summary: 'Starting parameters: JSON with startprob, transmat, means, covars.', exists: true }),
    iterations: Flags.integer({ summary: 'Largest number of EM iterations.', default: 100, min: 1 }),
    tol: Flags.string({ summary: 'Stop when the log-likelihood gains less than this.', default: '0.01' }),
    seed: Flags.integer({ summary: 'Seed of the k-means initialisation.', default: 42 }),
    save: Flags.boolean({ summary: 'Save the model and append it to the lineage log.' }),
  };

  async run(): Promise<unknown> {
    const [{ fitRegime }, { systemClock }, { UsageError }, path] = await Promise.all([
      import('../../src/ml/fit-regime.js'),
      import('../../src/core/clock.js'),
      import('../../src/core/errors.js'),
      import('node:path'),
    ]);
    const tol = Number(this.flags.tol);
    if (Number.isNaN(tol)) throw new UsageError(`--tol must be a number, was ${this.flags.tol}`);
    const result = fitRegime({
      input: this.flags.input, column: this.flags.column, states: this.flags.states, init: this.flags.init, iterations: this.flags.iterations, tol,
      seed: this.flags.seed, save: this.flags.save, stateDir: path.resolve(this.flags['state-dir']), clock: systemClock,
    });
    if (!this.jsonEnabled()) {
      this.log(`log-likelihood ${result.score.toFixed(6)} after ${result.iterations} iteration(s)${result.converged ? ' (converged)' : ''}`);
      result.regimes.forEach((r, k) => this.log(`  state ${k} ${r.padEnd(6)} mean ${result.means[k]?.map((m) => m.toExponential(4)).join(', ')}  variance ${result.covars[k]?.map((v) => v.toExponential(4)).join(', ')}  start ${result.startprob[k]?.toFixed(4)}`));
      if (result.model !== null) this.log(`saved ${result.model.file} (fingerprint ${result.model.fingerprint})`);
    }
    return result;
  }
}
