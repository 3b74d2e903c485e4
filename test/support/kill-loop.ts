import { spawn } from 'node:child_process';

/**
 * Starts `node <script> ...args`, waits for its first line of output (it is running), kills it with
 * SIGKILL `delayMs` later, and returns the complete lines it printed: a line cut by the kill is not one.
 */
export function runAndKill(script: string, args: readonly string[], delayMs: number, armOn: 'stdout' | 'stderr' = 'stdout'): Promise<string[]> {
  return runUntilKilled(script, args, delayMs, armOn).then((r) => r.lines);
}

/** As `runAndKill`, also saying whether the process finished on its own (exit code) before the kill, and what it wrote to stderr. */
export function runUntilKilled(script: string, args: readonly string[], delayMs: number, armOn: 'stdout' | 'stderr' = 'stdout'): Promise<{ lines: string[]; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
    let out = '';
    let err = '';
    let armed = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      if (armed) return;
      armed = true;
      timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    };
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (armOn === 'stdout' && out.includes('\n')) arm();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (armOn === 'stderr' && err.includes('\n')) arm();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ lines: out.split('\n').slice(0, -1), code, stderr: err });
    });
  });
}
