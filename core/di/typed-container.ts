import { type BindToFluentSyntax, Container, type GetOptions, type OptionalGetOptions, type ServiceIdentifier } from 'inversify';
import type { Token } from '../base/token.js';
import type { Resolver } from '../plugin/plugin.js';

/**
 * An inversify container typed by its tokens: `get(TOKENS.Trainer)` is the training loop and
 * `bind(TOKENS.Sampler).toDynamicValue(…)` must build a `Sampler`, with no type argument and no
 * cast. Behaves exactly like inversify's `Container` (it only narrows the signatures); the run's
 * container is one.
 */
export class TypedContainer extends Container {
  /** The service bound to `token`, typed by the token. */
  override get<T>(token: Token<T>, options?: GetOptions): T;
  override get<T>(serviceIdentifier: ServiceIdentifier<T>, options: OptionalGetOptions): T | undefined;
  override get<T>(serviceIdentifier: ServiceIdentifier<T>, options?: GetOptions): T;
  override get<T>(serviceIdentifier: ServiceIdentifier<T>, options?: GetOptions): T | undefined {
    return super.get<T>(serviceIdentifier, options);
  }

  /** Binds `token` to a service of the token's type. */
  override bind<T>(token: Token<T>): BindToFluentSyntax<T>;
  override bind<T>(serviceIdentifier: ServiceIdentifier<T>): BindToFluentSyntax<T>;
  override bind<T>(serviceIdentifier: ServiceIdentifier<T>): BindToFluentSyntax<T> {
    return super.bind<T>(serviceIdentifier);
  }
}

/** A resolver over a container: what contributions and subscribers get, not the container itself. */
export function resolverOf(container: TypedContainer): Resolver {
  return { get: (token) => container.get(token) };
}
