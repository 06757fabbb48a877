// A Fault prints the way Python's xmlrpc.client shows one (issue 17 §4): `<Fault 7: 'seven'>`,
// from String(), template literals, console.log and util.inspect, with no stack trace.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { Fault } from 'xmlrpc-ts';

describe('a Fault reads like Python\'s', () => {
  it('toString gives <Fault CODE: \'STRING\'>, once', () => {
    assert.equal(String(new Fault(7, 'seven')), "<Fault 7: 'seven'>");
    assert.equal(`${new Fault('E_CODE', 'x')}`, "<Fault E_CODE: 'x'>");
  });
  it('quotes and escapes the string as Python\'s repr does for simple text', () => {
    assert.equal(String(new Fault(1, "it's a\\b\nc")), "<Fault 1: 'it\\'s a\\\\b\\nc'>");
  });
  it('inspect (console.log) shows the same text, not a stack trace, also inside an array', () => {
    const fault = new Fault(7, 'seven');
    assert.equal(inspect(fault), "<Fault 7: 'seven'>");
    assert.equal(inspect([42, fault]), "[ 42, <Fault 7: 'seven'> ]");
    assert.doesNotMatch(inspect(fault), /\n\s+at /);
  });
  it('the message, the code and the fields stay as they were', () => {
    const fault = new Fault(7, 'seven');
    assert.equal(fault.message, 'Fault 7: seven');
    assert.equal(fault.code, 'ERR_XMLRPC_FAULT');
    assert.equal(fault.faultCode, 7);
    assert.equal(fault.faultString, 'seven');
    assert.ok(fault instanceof Error);
  });
});
