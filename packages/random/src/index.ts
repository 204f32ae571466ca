export { RandomStateError, type RandomStateErrorCode } from './errors.js';
export {
  type MutableArrayLike,
  RandomState,
  type RandomStateSnapshot,
  type Seed,
} from './random_state.js';
