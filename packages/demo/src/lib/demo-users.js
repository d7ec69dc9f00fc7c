// The users the users service seeds, and their one password: the load generator logs in as them.
const DEMO_PASSWORD = 'demo-password';
const DEMO_USERS = [
  ['ada@example.com', 'Ada'],
  ['grace@example.com', 'Grace'],
  ['linus@example.com', 'Linus'],
];

module.exports = { DEMO_PASSWORD, DEMO_USERS };
