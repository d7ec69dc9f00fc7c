#!/usr/bin/env node
// The `otel-bootstrap` command. A file in git rather than dist/cli/main.js itself: npm links a workspace's bins at
// `npm ci`, before the build has made dist/, and skips a bin whose target does not exist yet.
require('../dist/cli/main.js');
