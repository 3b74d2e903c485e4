import { spawn } from 'node:child_process';

/**
 * Starts `node <script> ...args`, waits for its first line of output (it is running), kills it with
 * SIGKILL `delayMs` later, and returns the complete lines it printed: a line cut by the kill is not one.
 */
export function runAndKill(script: string, args: readonly string[], delayMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let armed = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!armed && out.includes('\n')) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.on('error', reject);
    child.on('close', () => resolve(out.split('\n').slice(0, -1)));
  });
}
