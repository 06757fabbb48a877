// The calculator the examples serve: `npm run demo` (examples/demo.mjs) and the Node service of
// compose.yaml (examples/compose/node-service.js). Signatures and help are what introspection
// (system.methodSignature, system.methodHelp) answers.
import { Fault } from 'xmlrpc-ts';

/** calc.add, calc.subtract, calc.multiply and calc.divide, by name. */
const METHODS = {
  'calc.add': [(a, b) => a + b, { signature: ['int', 'int', 'int'], help: 'Adds two integers.' }],
  'calc.subtract': [(a, b) => a - b, { signature: ['int', 'int', 'int'], help: 'Subtracts b from a.' }],
  'calc.multiply': [(a, b) => a * b, { signature: [['int', 'int', 'int'], ['double', 'double', 'double']] }],
  'calc.divide': [
    (a, b) => {
      if (b === 0) throw new Fault(1, 'division by zero');
      return a / b;
    },
    { signature: ['double', 'double', 'double'], help: 'Divides a by b; faults on b = 0.' },
  ],
};

/**
 * Adds the calculator's methods to `server`. `onCall`, when given, hears of every call answered:
 * `onCall('calc.add(40, 2) = 42')`, or `onCall('calc.divide(1, 0) -> Fault 1: division by zero')`.
 */
export function addCalculator(server, onCall) {
  for (const [name, [compute, options]] of Object.entries(METHODS)) {
    const handler = onCall === undefined ? compute : (a, b) => {
      try {
        const result = compute(a, b);
        onCall(`${name}(${a}, ${b}) = ${result}`);
        return result;
      } catch (error) {
        if (error instanceof Fault) onCall(`${name}(${a}, ${b}) -> Fault ${error.faultCode}: ${error.faultString}`);
        throw error;
      }
    };
    server.addMethod(name, handler, options);
  }
  return server;
}
