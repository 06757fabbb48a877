// An XML-RPC service as a Cloudflare Worker: createFetchHandler serves the dispatcher on every
// request the Worker gets. Workers scale out by themselves: no cluster, no load balancer.
// Bundled by wrangler (esbuild); no nodejs_compat flag is needed.
import { Fault } from 'xmlrpc-ts/codec';
import { XmlRpcDispatcher, basicAuth, createFetchHandler } from 'xmlrpc-ts/server';

const calculator = new XmlRpcDispatcher();
calculator.addMethod('calc.add', (a, b) => a + b, { signature: ['int', 'int', 'int'], help: 'Adds two integers.' });
calculator.addMethod('calc.divide', (a, b) => {
  if (b === 0) throw new Fault(1, 'division by zero');
  return a / b;
});

let handler;

export default {
  fetch(request, env) {
    // Made on the first request: the secrets are in `env`, which only requests see.
    handler ??= createFetchHandler(calculator, {
      authenticate: env.RPC_PASSWORD === undefined ? undefined : basicAuth({ rpc: env.RPC_PASSWORD }),
      allowedOrigins: env.ALLOWED_ORIGINS === undefined ? undefined : env.ALLOWED_ORIGINS.split(','),
      maxBodyBytes: 1024 * 1024,
    });
    return handler(request);
  },
};
