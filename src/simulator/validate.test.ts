import { describe, expect, it } from 'vitest';
import { PVE_SCHEMA, type ParametersSchema } from './schema.js';
import { resolveParam, validateParameters, type RawParams } from './validate.js';

const schemaOf = (key: string): ParametersSchema => PVE_SCHEMA[key]!.parameters;
const createVm = schemaOf('POST /nodes/{node}/qemu');
const createCt = schemaOf('POST /nodes/{node}/lxc');

function errorsOf(schema: ParametersSchema, raw: RawParams): Record<string, string> {
  const result = validateParameters(schema, raw);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.params)}`);
  return result.errors;
}

function paramsOf(schema: ParametersSchema, raw: RawParams) {
  const result = validateParameters(schema, raw);
  if (!result.ok) throw new Error(`unexpected errors ${JSON.stringify(result.errors)}`);
  return result.params;
}

describe('parameter verification (JSONSchema.pm)', () => {
  it('reports a missing required parameter and an unknown one, all at once', () => {
    expect(errorsOf(createVm, { node: 'pve1', bogus: 'x' })).toEqual({
      vmid: 'property is missing and it is not optional',
      bogus: 'property is not defined in schema and the schema does not allow additional properties',
    });
  });

  it('type-checks integers, numbers and booleans the Perl way', () => {
    expect(errorsOf(createVm, { node: 'pve1', vmid: '100', cores: 'two', cpulimit: '1,5', onboot: 'true' })).toEqual({
      cores: "type check ('integer') failed - got 'two'",
      cpulimit: "type check ('number') failed - got '1,5'",
      onboot: "type check ('boolean') failed - got 'true'",
    });
  });

  it('accepts JSON booleans for booleans but not for other types, and names refs like Perl', () => {
    expect(paramsOf(createVm, { node: 'pve1', vmid: 100, onboot: true, start: false })).toEqual({ node: 'pve1', vmid: 100, onboot: 1, start: 0 });
    expect(errorsOf(createVm, { node: 'pve1', vmid: 100, cores: true, name: ['a'], tags: { a: 1 } })).toEqual({
      cores: "type check ('integer') failed - got JSON::PP::Boolean",
      name: "type check ('string') failed - got ARRAY",
      tags: "type check ('string') failed - got HASH",
    });
  });

  it('checks enums, ranges and lengths with PVE messages', () => {
    expect(errorsOf(createVm, { node: 'pve1', vmid: '100', ostype: 'dos', cores: '0', numa: '2', name: 'x'.repeat(5) + '!' })).toEqual({
      ostype: "value 'dos' does not have a value in the enumeration 'other, wxp, w2k, w2k3, w2k8, wvista, win7, win8, win10, win11, l24, l26, solaris'",
      cores: 'value must have a minimum value of 1',
      numa: "type check ('boolean') failed - got '2'",
      name: 'invalid format - value does not look like a valid DNS name\n',
    });
    expect(errorsOf(createCt, { node: 'pve1', vmid: '101', ostemplate: 'local:vztmpl/d.tar.zst', password: 'abc', hostname: 'h'.repeat(300) })).toMatchObject({
      password: 'value must be at least 5 characters long',
    });
  });

  it('checks patterns', () => {
    expect(errorsOf(createVm, { node: 'pve1', vmid: '100', serial0: 'sock' })).toEqual({ serial0: 'value does not match the regex pattern' });
    expect(paramsOf(createVm, { node: 'pve1', vmid: '100', serial0: 'socket', serial1: '/dev/ttyS1' })).toMatchObject({ serial0: 'socket' });
  });

  it('resolves xxx[n] families within their index range', () => {
    expect(paramsOf(createVm, { node: 'pve1', vmid: '100', net31: 'virtio', scsi30: 'local-lvm:4', unused255: 'local:1/x.raw' })).toMatchObject({
      net31: 'virtio',
    });
    const errors = errorsOf(createVm, { node: 'pve1', vmid: '100', net32: 'virtio', scsi31: 'local-lvm:4', net01: 'virtio', ide4: 'none' });
    expect(Object.keys(errors).sort()).toEqual(['ide4', 'net01', 'net32', 'scsi31']);
    expect(errors['net32']).toBe('property is not defined in schema and the schema does not allow additional properties');
    expect(resolveParam(createCt.properties!, 'mp255')).toBeDefined();
    expect(resolveParam(createCt.properties!, 'mp256')).toBeUndefined();
    expect(resolveParam(createVm.properties!, 'net[n]')).toBeUndefined();
  });

  it('validates property strings sub-key by sub-key', () => {
    expect(errorsOf(createVm, { node: 'pve1', vmid: '100', net0: 'virtio,bridge=vmbr0,mtu=70000,tag=0' })).toEqual({
      net0: 'invalid format - format error\nnet0.mtu: value must have a maximum value of 65520\nnet0.tag: value must have a minimum value of 1\n',
    });
    expect(errorsOf(createVm, { node: 'pve1', vmid: '100', net0: 'virtio=01:00:00:00:00:00' })).toEqual({
      net0: 'invalid format - format error\nnet0.macaddr: invalid format - value does not look like a valid unicast MAC address\n\n',
    });
    expect(errorsOf(createVm, { node: 'pve1', vmid: '100', net0: 'bridge=vmbr0' })).toEqual({
      net0: 'invalid format - format error\nnet0.model: property is missing and it is not optional\n',
    });
    expect(errorsOf(createVm, { node: 'pve1', vmid: '100', net0: 'virtio,speed=10' })).toEqual({
      net0: 'invalid format - invalid key in comma-separated list property: speed\n',
    });
    expect(errorsOf(createVm, { node: 'pve1', vmid: '100', agent: 'enabled=1,enabled=0' })).toEqual({
      agent: 'invalid format - duplicate key in comma-separated list property: enabled\n',
    });
  });

  it('reads booleans inside property strings like parse_boolean, and empty parts are skipped', () => {
    const params = paramsOf(createVm, { node: 'pve1', vmid: '100', net0: 'virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,firewall=true,,', scsi0: 'local-lvm:32,ssd=on' });
    expect(params['net0']).toBe('virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,firewall=true,,'); // passed on as written
    expect(errorsOf(createVm, { node: 'pve1', vmid: '100', scsi0: 'local-lvm:32,ssd=maybe' })).toEqual({
      scsi0: "invalid format - format error\nscsi0.ssd: type check ('boolean') failed - got 'maybe'\n",
    });
  });

  it('checks named property-string formats (boot, ipconfig)', () => {
    expect(paramsOf(createVm, { node: 'pve1', vmid: '100', boot: 'order=scsi0;ide2;net0', ipconfig0: 'ip=10.0.0.5/24,gw=10.0.0.1' })).toMatchObject({
      boot: 'order=scsi0;ide2;net0',
    });
    expect(errorsOf(createVm, { node: 'pve1', vmid: '100', boot: 'order=scsi0;efidisk0', ipconfig0: 'ip=10.0.0.5' })).toEqual({
      boot: "invalid format - format error\nboot.order: invalid format - invalid boot device 'efidisk0'\n\n",
      ipconfig0: 'invalid format - format error\nipconfig0.ip: invalid format - value does not look like a valid ipv4 network configuration\n\n',
    });
  });

  it('checks -list formats item by item', () => {
    expect(paramsOf(createVm, { node: 'pve1', vmid: '100', tags: 'prod;web,db dev' })).toMatchObject({ tags: 'prod;web,db dev' });
    expect(errorsOf(createVm, { node: 'pve1', vmid: '100', tags: 'prod;we!b' })).toEqual({ tags: 'invalid format - invalid characters in tag\n' });
  });

  it('joins a JSON array given for a -list string (RESTHandler legacy normalisation)', () => {
    const config = schemaOf('PUT /nodes/{node}/qemu/{vmid}/config');
    expect(paramsOf(config, { node: 'pve1', vmid: '100', delete: ['net1', 'ide2'] })).toMatchObject({ delete: 'net1,ide2' });
  });

  it('reports a missing required-by parameter', () => {
    expect(errorsOf(createVm, { node: 'pve1', vmid: '100', force: '1' })).toEqual({
      archive: "missing property - 'force' requires this property",
    });
  });

  it('joins two errors of one path with a literal backslash-n, like add_error', () => {
    const schema: ParametersSchema = {
      additionalProperties: 0,
      properties: { a: { type: 'string', requires: 'b', optional: 1 }, b: { type: 'string' } },
    };
    expect(errorsOf(schema, { a: 'x' })).toEqual({ b: "property is missing and it is not optional\\nmissing property - 'a' requires this property" });
  });

  it('coerces per the SimRequest contract', () => {
    expect(
      paramsOf(createVm, { node: 'pve1', vmid: '100', cores: '+4', cpulimit: '1.5', onboot: '1', template: '0', net0: 'virtio', memory: '2048' }),
    ).toEqual({ node: 'pve1', vmid: 100, cores: 4, cpulimit: 1.5, onboot: 1, template: 0, net0: 'virtio', memory: '2048' });
    // '+100' is an integer, but pve-vmid's format wants plain digits
    expect(errorsOf(createVm, { node: 'pve1', vmid: '+100' })).toEqual({ vmid: 'invalid format - value does not look like a valid VM ID\n' });
  });

  it('drops undef values (a form key without a value) unless required', () => {
    expect(paramsOf(createVm, { node: 'pve1', vmid: '100', name: null })).toEqual({ node: 'pve1', vmid: 100 });
    expect(errorsOf(createVm, { node: 'pve1', vmid: null })).toEqual({ vmid: 'property is missing and it is not optional' });
  });

  it('accepts anything on an endpoint declared without properties, as PVE does', () => {
    expect(paramsOf(schemaOf('GET /version'), { whatever: '1' })).toEqual({ whatever: '1' });
  });

  it('treats a __proto__ parameter as an ordinary unknown name', () => {
    const raw: RawParams = JSON.parse('{"node":"pve1","vmid":"100","__proto__":"x"}') as RawParams;
    const errors = errorsOf(createVm, raw);
    expect(Object.keys(errors)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(errors)).toBe(Object.prototype);
    expect(errors['__proto__']).toBe('property is not defined in schema and the schema does not allow additional properties');
  });
});
