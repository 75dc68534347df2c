import { TypedContainer } from '../di/typed-container.js';
import { Teardown } from './teardown.js';

/**
 * The container of one run: an inversify container, typed by its tokens, that owns what its bindings built. The
 * bindings of disposable values record them in {@link teardown} when they are built, so
 * {@link dispose} frees exactly what exists, last built first.
 */
export class RunContainer extends TypedContainer {
  /** What this container's bindings built and must free. */
  readonly teardown = new Teardown();

  /**
   * Frees everything the container built (see {@link Teardown.run}) and returns what failed; the
   * container must not be used afterwards.
   */
  dispose(): Error[] {
    return this.teardown.run();
  }
}
