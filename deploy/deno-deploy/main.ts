// An XML-RPC service on Deno Deploy (or any Deno): `deno run --allow-net --allow-env main.ts`
// locally, `deployctl deploy --entrypoint=main.ts` to deploy. Deno Deploy runs as many isolates
// as the traffic needs: no cluster, no load balancer.
import { Fault } from 'npm:xmlrpc-ts@0/codec';
import { XmlRpcDispatcher, basicAuth, createFetchHandler } from 'npm:xmlrpc-ts@0/server';

const calculator = new XmlRpcDispatcher();
calculator.addMethod('calc.add', (a: number, b: number) => a + b, { signature: ['int', 'int', 'int'], help: 'Adds two integers.' });
calculator.addMethod('calc.divide', (a: number, b: number) => {
  if (b === 0) throw new Fault(1, 'division by zero');
  return a / b;
});

const password = Deno.env.get('RPC_PASSWORD');
const handler = createFetchHandler(calculator, {
  authenticate: password === undefined ? undefined : basicAuth({ rpc: password }),
  allowedOrigins: Deno.env.get('ALLOWED_ORIGINS')?.split(','),
  maxBodyBytes: 1024 * 1024,
});

Deno.serve({ hostname: Deno.env.get('HOST') ?? '0.0.0.0', port: Number(Deno.env.get('PORT') ?? 8000) }, handler);
