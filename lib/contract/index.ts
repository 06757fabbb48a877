/** Contracts: one interface definition that types and checks both sides. Public exports. */
export { rpc, ContractType, OptionalMember } from './types.js';
export type { ContractTypeKind, StructMember, StructOf, ValueOf } from './types.js';
export { Contract, defineContract, isContract, PerCallOptions, PlannedCall } from './define.js';
export type {
  BatchApi,
  BatchResults,
  ContractApi,
  ContractHandlers,
  ContractMethodOf,
  ContractMethods,
  MethodHandlerOf,
  MethodSignatureSpec,
  MethodSpec,
  OverloadedMethodSpec,
  PlannedMethodOf,
  SignatureParams,
  SignatureResult,
  SingleMethodSpec,
} from './define.js';
export { ContractError } from './errors.js';
export type { ContractSide } from './errors.js';
export { describeImplementedMethod, implementContract, implementedMethod } from './server.js';
export type { ImplementedMethod } from './server.js';
export { callOptions, contractMulticall, contractProxy } from './client.js';
export type { ContractCaller } from './client.js';
