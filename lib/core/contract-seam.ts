/**
 * The seam between a client and a contract: a `Contract` carries its client side under
 * {@link CONTRACT_CLIENT_SIDE}, so `xmlrpc-ts/client` imports no contract code (a program that
 * passes a contract has loaded it already) and the client's bundle stays small.
 */

/** @internal What a client asks of a contract: its typed proxy and typed multicall over the client. */
export interface ContractClientSide {
  /** The typed proxy of `contract` over `caller`. */
  proxy(caller: never, contract: never): unknown;
  /** The typed multicall of `contract` over `caller`. */
  multicall(caller: never, contract: never, build: never, options: never): Promise<unknown>;
}

/** @internal The key of a contract's client side; a value holding it is a contract. */
export const CONTRACT_CLIENT_SIDE: unique symbol = Symbol('xmlrpc-ts contract client side');

/** @internal The client side of `value` when it is a contract (made by `defineContract`), else undefined. */
export function contractClientSide(value: unknown): ContractClientSide | undefined {
  return typeof value === 'object' && value !== null ? (value as { [CONTRACT_CLIENT_SIDE]?: ContractClientSide })[CONTRACT_CLIENT_SIDE] : undefined;
}
