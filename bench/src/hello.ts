// The ceiling: a bare Koa hello-world on the same machine, no middleware, no sidecar. Whatever a service of
// the shop answers per second is measured against what Koa alone can answer here.
import Koa from 'koa';

const app = new Koa();
app.use((ctx) => {
  ctx.body = 'Hello World';
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
