// Preloaded (--require) into every service that run-local.js starts, so none outlives it. run-local.js holds the
// other end of our stdin and never writes to it; when it ends in any way, even SIGKILL, the kernel closes that end
// and stdin ends here. We then stop as on SIGTERM, which lets the bootstrap flush, and exit for sure soon after.
const GRACE_MS = 2_000;

function parentGone() {
  setTimeout(() => process.exit(1), GRACE_MS).unref();
  process.kill(process.pid, 'SIGTERM');
}

process.stdin.once('end', parentGone).once('error', parentGone).resume();
