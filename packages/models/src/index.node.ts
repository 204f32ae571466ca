// Node entry (the package's "node" export condition): everything in index.ts, plus the file-system IOHandler.
// Side effect: registers the `file://` save/load routers and the Keras-file save router with tfjs-core.
// Also registers worker_threads as the provider of trainLesson's `threads`.
import './_threads.node.js';
import { registerFileSystemRouter } from './io/_file_system.js';
import { registerKerasFileRouter } from './keras/save.js';

export * from './index.js';
export {
  FileSystemHandler,
  fileSystem,
  fileSystemRouter,
  registerFileSystemRouter,
} from './io/_file_system.js';
export { inspectKerasModel, loadKerasModel } from './keras/_read_file.js';
export {
  KerasFileHandler,
  kerasFileRouter,
  kerasFormatOf,
  registerKerasFileRouter,
  saveKerasModel,
} from './keras/save.js';

registerFileSystemRouter();
registerKerasFileRouter();
