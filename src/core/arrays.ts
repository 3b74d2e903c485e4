/**
 * An empty array that V8 holds with elements of any kind from the start. An empty literal (`[]`) starts
 * as an array of small integers and changes kind at its first push of an object, so code optimised on the
 * arrays of an earlier run (already of the general kind) was thrown away when a fresh one arrived: in a
 * sweep worker, the paper venue's fills, the trade book's closed trades and the risk engine's last vetoes
 * at each worker's second point. For arrays of objects that a run makes new and hot code pushes into.
 */
export function objectArray<T>(): T[] {
  const a = [null] as unknown as T[];
  a.pop();
  return a;
}
