/**
 * The offline commands: `encode` (a JSON message to XML-RPC XML) and `decode` (XML-RPC XML to
 * a readable or JSON message), both on standard input/output unless a file is named.
 */
import { DecodeError, decodeMessage, encodeCall, encodeFault, encodeResponse, type XmlRpcMessage } from '../../codec/index.js';
import { UsageError } from '../flags.js';
import { isJsonObject, JsonInputError, jsonToValue, member, memberNames, parseJson, printJson, scalarOf, valueToJson, type JsonNode } from '../json.js';
import { ExitCode, printStreamed, writeValue, type Output } from '../output.js';
import { CLI_DECODE_OPTIONS, HELP_OPTION, JSON_OPTION, readInputFile, type Command, type Context } from './common.js';
import { readTextInput } from './multicall.js';

const MESSAGE_SHAPES = [
  '{"kind": "call", "methodName": "sample.add", "params": [3, 5]}',
  '{"kind": "response", "value": 8}',
  '{"kind": "fault", "faultCode": 4, "faultString": "Too many parameters"}',
];

/** The kind of a JSON message: given, or known by its members. */
function kindOf(node: JsonNode, source: string): 'call' | 'response' | 'fault' {
  if (!isJsonObject(node)) throw new JsonInputError(source, `expected a JSON object, one of:\n  ${MESSAGE_SHAPES.join('\n  ')}`);
  const kind = member(node, 'kind');
  if (kind === 'call' || kind === 'response' || kind === 'fault') return kind;
  if (kind !== undefined) throw new JsonInputError(source, `"kind" must be "call", "response" or "fault", got ${valueToJson(jsonToValue(kind, 'kind', source), 0)}`);
  const names = memberNames(node);
  if (names.includes('methodName')) return 'call';
  if (names.includes('faultCode')) return 'fault';
  if (names.includes('value')) return 'response';
  throw new JsonInputError(source, `cannot tell the kind of message; use one of:\n  ${MESSAGE_SHAPES.join('\n  ')}`);
}

function checkMembers(node: JsonNode, allowed: readonly string[], source: string): void {
  const extra = memberNames(node).find((n) => !allowed.includes(n));
  if (extra !== undefined) throw new JsonInputError(source, `unknown member ${JSON.stringify(extra)} (a message of this kind has ${allowed.join(', ')})`);
}

/** Encodes a JSON message as XML-RPC. */
export function encodeJsonMessage(text: string, source: string, pretty: boolean): string {
  const node = parseJson(text, source);
  const options = { pretty, allowNonFinite: true };
  switch (kindOf(node, source)) {
    case 'call': {
      checkMembers(node, ['kind', 'methodName', 'params'], source);
      const methodName = member(node, 'methodName');
      if (typeof methodName !== 'string' || methodName === '') throw new JsonInputError(source, '"methodName" must be a non-empty string');
      const params = member(node, 'params') ?? [];
      if (!Array.isArray(params)) throw new JsonInputError(source, '"params" must be an array');
      return encodeCall(methodName, params.map((p, i) => jsonToValue(p, `params[${i}]`, source)), options);
    }
    case 'response': {
      checkMembers(node, ['kind', 'value'], source);
      const value = member(node, 'value');
      if (value === undefined) throw new JsonInputError(source, 'a response needs "value"');
      return encodeResponse(jsonToValue(value, 'value', source), options);
    }
    case 'fault': {
      checkMembers(node, ['kind', 'faultCode', 'faultString'], source);
      const faultCode = scalarOf(member(node, 'faultCode'));
      const faultString = member(node, 'faultString');
      if (faultCode === undefined) throw new JsonInputError(source, '"faultCode" must be an integer');
      if (typeof faultString !== 'string') throw new JsonInputError(source, '"faultString" must be a string');
      return encodeFault({ faultCode, faultString }, options);
    }
  }
}

/** The JSON form of a decoded message (the shape `encode` reads). */
function messageJsonForm(message: XmlRpcMessage): Record<string, unknown> {
  switch (message.kind) {
    case 'call': return { kind: 'call', methodName: message.methodName, params: message.params };
    case 'response': return { kind: 'response', value: message.value };
    case 'fault': return { kind: 'fault', faultCode: message.fault.faultCode, faultString: message.fault.faultString };
  }
}

/** Prints a decoded message for people, streamed. */
function printMessage(output: Output, message: XmlRpcMessage): void {
  printStreamed(output, (sink) => {
    switch (message.kind) {
      case 'call':
        sink.put(`call ${message.methodName}`);
        message.params.forEach((p, i) => {
          const label = `\n  [${i}] `;
          sink.put(label);
          writeValue(sink, p, ' '.repeat(label.length - 1));
        });
        break;
      case 'response':
        sink.put('response ');
        writeValue(sink, message.value);
        break;
      case 'fault':
        sink.put(`fault ${String(message.fault.faultCode)}: ${message.fault.faultString}`);
    }
  });
}

/** `xmlrpc encode`. */
export const encodeCommand: Command = {
  name: 'encode',
  summary: 'turn a JSON message into XML-RPC XML (offline)',
  usage: ['encode [FILE|-]'],
  description: [
    'Reads one JSON message from FILE or standard input and prints its XML-RPC document:',
    ...MESSAGE_SHAPES.map((s) => '  ' + s),
    '"kind" may be left out when the members say it. Values use the JSON form of `xmlrpc help json`;',
    '`xmlrpc decode --json` prints this same form, so the two commands round-trip.',
  ].join('\n'),
  options: [HELP_OPTION, { name: 'pretty', help: 'indent the XML' }],
  async run(context) {
    const file = onlyInput(context);
    const { text, source } = await readTextInput(context, file, 'the message file');
    // Bytes: a document made here from the user's input is written exactly as encoded.
    context.output.out(new TextEncoder().encode(withNewline(encodeJsonMessage(text, source, context.line.flags.has('pretty')))));
    return ExitCode.ok;
  },
};

/** `xmlrpc decode`. */
export const decodeCommand: Command = {
  name: 'decode',
  summary: 'read an XML-RPC document and print its message (offline)',
  usage: ['decode [FILE|-]'],
  description: [
    'Reads a methodCall or methodResponse document from FILE or standard input, checks it as the',
    'client and server do (limits, DTDs refused, strict scalars), and prints the message. The exit',
    'code is 4 when the document is not valid XML-RPC; the error says why and where.',
  ].join('\n'),
  options: [HELP_OPTION, JSON_OPTION],
  async run(context) {
    const file = onlyInput(context);
    const bytes = file === undefined || file === '-' ? await context.stdin() : readInputFile(file, context.cwd, 'the document');
    let message: XmlRpcMessage;
    try {
      message = decodeMessage(bytes, CLI_DECODE_OPTIONS);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      context.output.err(`xmlrpc decode: not a valid XML-RPC document (${error.reason}): ${error.message}\n`);
      return ExitCode.decode;
    }
    if (context.line.flags.has('json')) printJson(context.output, messageJsonForm(message));
    else printMessage(context.output, message);
    return ExitCode.ok;
  },
};

function onlyInput(context: Context): string | undefined {
  const all = context.line.positionals;
  if (all.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(all[1])} (give one FILE, or none for standard input)`);
  return all[0];
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : text + '\n';
}
