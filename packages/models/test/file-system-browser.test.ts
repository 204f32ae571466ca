// The browser entry exports the file-system names too (so the package types the same under every condition);
// there they say, with a typed error, that they need Node.
import { describe, expect, it } from 'vitest';
import * as browser from '../src/index.js';
import { ModelsError } from '../src/index.js';
import * as node from '../src/index.node.js';

describe('fileSystem outside Node', () => {
  it('the browser entry has the same file-system exports as the node entry', () => {
    const names = ['FileSystemHandler', 'fileSystem', 'fileSystemRouter', 'registerFileSystemRouter'];
    for (const name of names) {
      expect(typeof (browser as Record<string, unknown>)[name]).toBe('function');
      expect(typeof (node as Record<string, unknown>)[name]).toBe('function');
    }
    expect(browser.fileSystem).not.toBe(node.fileSystem);
  });

  it('fileSystem and FileSystemHandler throw NODE_ONLY', () => {
    const expected = {
      name: 'ModelsError',
      code: 'NODE_ONLY',
      message:
        "fileSystem: saving to and loading from a directory needs Node's file system, which this runtime lacks. " +
        "In the browser save to 'indexeddb://<name>' or 'downloads://<name>' and load with tf.io.browserFiles.",
    };
    expect(() => browser.fileSystem('/tmp/model')).toThrow(ModelsError);
    expect(() => browser.fileSystem('/tmp/model')).toThrow(expect.objectContaining(expected));
    expect(() => new browser.FileSystemHandler('/tmp/model')).toThrow(expect.objectContaining(expected));
  });

  it('routes nothing and registers nothing', () => {
    expect(browser.fileSystemRouter('file:///tmp/model')).toBeNull();
    expect(browser.registerFileSystemRouter()).toBeUndefined();
  });
});
