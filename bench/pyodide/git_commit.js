// The commit a Pyodide run's header names (both hosts read the Python files
// from this tree when they run): the tree's, with "-dirty" when tracked files
// differ from it, as the C harness's header says (harness/git_commit.cmake).
'use strict';
const {execFileSync} = require('child_process');

exports.gitCommit = function gitCommit(root) {
  const git = (...args) => execFileSync('git', ['-C', root, ...args],
                                        {stdio: ['ignore', 'pipe', 'ignore']}).toString();
  try {
    const commit = git('rev-parse', '--short=12', 'HEAD').trim();
    return git('status', '--porcelain', '--untracked-files=no').trim() ? `${commit}-dirty` : commit;
  } catch (e) {
    return 'unknown'; // not a git checkout
  }
};
