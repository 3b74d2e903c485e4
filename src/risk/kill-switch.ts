import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Clock } from '../core/clock.js';
import type { ConfigSet } from '../config/files.js';
import type { InstrumentLookup } from '../domain/instrument.js';
import { readJsonSnapshot, writeJsonAtomic } from '../telemetry/atomic-json.js';
import { RiskEngine } from './risk-engine.js';
import { loadRiskState, saveRiskState } from './risk-state.js';

/** The kill switch sizes no order: its risk engine knows no instrument. */
const NO_INSTRUMENTS: InstrumentLookup = { get: () => undefined };

/** The flag file an operator (or the guardian) drops to halt trading: `<state-dir>/cache/KILL`. */
export function killFlagFile(stateDir: string): string {
  return path.join(stateDir, 'cache', 'KILL');
}

export interface KillRecord {
  readonly schema_version: 1;
  readonly ts: number;
  readonly reason: string;
  readonly by: string;
}

/**
 * Engages the kill switch: writes the flag file (a running executor watching it halts within a second
 * and cancels resting orders) and sets the persisted trading state to HALTED, so a restarted executor
 * comes back halted too.
 */
export function engageKillSwitch(stateDir: string, config: ConfigSet, reason: string, by: string, clock: Clock): KillRecord {
  const record: KillRecord = { schema_version: 1, ts: clock.nowMs(), reason, by };
  writeJsonAtomic(killFlagFile(stateDir), record);
  const file = path.join(stateDir, 'cache', 'risk_state.json');
  const engine = new RiskEngine(config.risk_limits, config.strategy_config, NO_INSTRUMENTS, clock, loadRiskState(file, clock.nowMs()));
  engine.kill(`kill switch: ${reason} (${by})`);
  saveRiskState(file, engine.state);
  return record;
}

/** Releases the kill switch after the operator's confirmation: removes the flag, sets ACTIVE. */
export function releaseKillSwitch(stateDir: string, config: ConfigSet, confirmation: string, clock: Clock): void {
  rmSync(killFlagFile(stateDir), { force: true });
  const file = path.join(stateDir, 'cache', 'risk_state.json');
  const engine = new RiskEngine(config.risk_limits, config.strategy_config, NO_INSTRUMENTS, clock, loadRiskState(file, clock.nowMs()));
  engine.resume(confirmation);
  saveRiskState(file, engine.state);
}

/** Whether the flag is down, and its record. */
export function readKillFlag(stateDir: string): KillRecord | undefined {
  return existsSync(killFlagFile(stateDir)) ? (readJsonSnapshot(killFlagFile(stateDir)) as KillRecord) : undefined;
}

/** Watches the flag file and calls `onKill` when it appears (or is already there when watching starts). */
export async function watchKillSwitch(stateDir: string, onKill: (record: KillRecord) => void): Promise<{ close(): Promise<void> }> {
  const file = killFlagFile(stateDir);
  mkdirSync(path.dirname(file), { recursive: true });
  const fire = () => {
    const record = readKillFlag(stateDir);
    if (record !== undefined) onKill(record);
  };
  const watcher: FSWatcher = watch(path.dirname(file), { depth: 0, ignoreInitial: false, awaitWriteFinish: false });
  watcher.on('add', (p) => p === file && fire());
  watcher.on('change', (p) => p === file && fire());
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { close: () => watcher.close() };
}
