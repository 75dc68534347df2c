/** Brand carrying a token's service type; it exists only in the type system. */
declare const serviceType: unique symbol;

/**
 * A dependency-injection token: a plain `symbol` at runtime, and at compile time the type of the
 * service it names, so that `resolve.get(TOKENS.EventBus)` is an `EventBus` with no type argument
 * and no cast at the call site. The brand is an optional property no token ever has.
 */
export type Token<T> = symbol & { readonly [serviceType]?: unknown & T };

/**
 * The token `key` of the global symbol registry, typed with its service: every copy of the package
 * loaded in one process (a plugin bundling its own, a test importing the sources) shares it.
 */
export function token<T>(key: string): Token<T> {
  // the one place a symbol becomes a typed token: what is bound under `key` is the container's to check
  return Symbol.for(key) as Token<T>;
}
