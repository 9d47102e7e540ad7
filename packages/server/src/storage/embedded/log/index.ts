/** The embedded log engine: the default `LogStore` of a single Switchyard node. */
export { EmbeddedLogStore } from './embedded-log-store.ts';
export {
  type EmbeddedLogOptions,
  type LogObserver,
  type PreallocateMode,
  type ResolvedEmbeddedLogOptions,
  resolveEmbeddedLogOptions,
} from './options.ts';
