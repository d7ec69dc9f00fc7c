// W2: W1's route through express: GET /item/:id does one Redis GET (SET on a miss) and one pg `SELECT $1::int`.
// Prints "listening <port>" when ready.
const express = require('express');
const { item } = require('./item');

const app = express();
app.get('/item/:id', async (req, res) => res.json(await item(Number(req.params.id) || 1)));

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () =>
  console.log(`listening ${server.address().port}`),
);
server.keepAliveTimeout = 65_000;
