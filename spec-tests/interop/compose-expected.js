// What the Compose scenario prints, checked both by the direct python3 run
// (client-compose.test.js) and by the Docker run (../docker/compose.docker.js).

/** The Python client service's lines after its first (system.listMethods, whose tail varies). */
export const PYTHON_CLIENT_CALLS = [
  'Python client -> calc.add(40, 2) = 42',
  'Python client -> calc.subtract(7, 2) = 5',
  'Python client -> calc.multiply(1.5, 4.0) = 6',
  'Python client -> calc.divide(7, 2) = 3.5',
  'Python client -> calc.divide(1, 0) -> Fault 1: division by zero',
  'Python client -> multicall = 42, Fault 1: division by zero',
  'Python client: done',
];

/** The Node service's "served" lines: each call it answered, in order. */
export const NODE_SERVED = [
  'served calc.add(40, 2) = 42',
  'served calc.subtract(7, 2) = 5',
  'served calc.multiply(1.5, 4) = 6',
  'served calc.divide(7, 2) = 3.5',
  'served calc.divide(1, 0) -> Fault 1: division by zero',
  'served calc.multiply(6, 7) = 42',
  'served calc.divide(1, 0) -> Fault 1: division by zero',
];
