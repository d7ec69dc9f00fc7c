// The load generator's User-Agent. The terminal printer of `npm run demo` tells the load generator's traces from the
// ones a person sent (curl, a browser) by the user_agent.original of the gateway's server span, the root.
const LOAD_USER_AGENT = 'demo-load-generator';

module.exports = { LOAD_USER_AGENT };
