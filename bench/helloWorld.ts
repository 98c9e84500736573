// The baseline of `npm run bench:http`: a bare Express 5 app answering GET / with a small JSON body, started
// exactly like the API (bench/support/server.ts), so a ratio against it measures only what the app adds.
import express from 'express';

const app = express();
app.get('/', (_req, res) => {
  res.json({ hello: 'world' });
});
const port = Number(process.env.PORT ?? 3000);
app.listen(port, process.env.HOST ?? '127.0.0.1', () => console.log(`hello-world listening on ${port}`));
