import { UnknownNameError } from './errors.js';

/** An explicit, insertion-ordered map of named definitions. No folder scanning. */
export interface Registry<T extends { readonly name: string }> {
  /** What the registry holds, used in error messages ("strategy", "sink"). */
  readonly kind: string;
  /** Adds a definition; a duplicate name is a programming error. */
  add(def: T): Registry<T>;
  /** The definition named `name`; throws `UnknownNameError` listing the known names. */
  get(name: string): T;
  /** The definition named `name`, or `undefined`. */
  find(name: string): T | undefined;
  has(name: string): boolean;
  names(): string[];
  values(): T[];
}

/** Creates an empty registry of `kind`. */
export function createRegistry<T extends { readonly name: string }>(kind: string): Registry<T> {
  const byName = new Map<string, T>();
  const registry: Registry<T> = {
    kind,
    add(def) {
      if (byName.has(def.name)) throw new UnknownNameError(kind, `${def.name} (registered twice)`, [...byName.keys()]);
      byName.set(def.name, def);
      return registry;
    },
    get(name) {
      const def = byName.get(name);
      if (def === undefined) throw new UnknownNameError(kind, name, [...byName.keys()]);
      return def;
    },
    find: (name) => byName.get(name),
    has: (name) => byName.has(name),
    names: () => [...byName.keys()],
    values: () => [...byName.values()],
  };
  return registry;
}
