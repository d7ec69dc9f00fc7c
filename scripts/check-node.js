// Run before `npm test` (the pretest script): on a Node older than the SDK needs, one line that says how to get
// Node 24, instead of hundreds of failing tests. Plain CommonJS, so that it runs on any Node.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 15)) {
  console.error(
    `This repo needs Node.js 22.15 or later and this is ${process.version}. ` +
      'Run `source scripts/use-node24.sh` (it installs Node 24 into .cache/ and puts it on PATH), then try again.',
  );
  process.exit(1);
}
