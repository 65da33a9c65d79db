// The provider process as Terraform meets it: started through the wrapper with go-plugin's
// cookie, it prints the handshake, then answers GetProviderSchema over gRPC on its unix socket
// with what it was given, and stops when the controller's Shutdown is called.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterEach, describe, expect, it } from 'vitest';
import type { JsonProvidersSchema } from './schema.js';
import { BPG_PROVIDER_ADDRESS, cliConfig, prepareSchemaProvider, type SchemaProvider, shellQuote } from './schemaProvider.js';

const COOKIE = { TF_PLUGIN_MAGIC_COOKIE: 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2' };

const DOC: JsonProvidersSchema = {
  provider_schemas: {
    [BPG_PROVIDER_ADDRESS]: {
      provider: { block: { attributes: { endpoint: { type: 'string', optional: true } } } },
      resource_schemas: {
        proxmox_virtual_environment_vm: {
          block: {
            attributes: { node_name: { type: 'string', required: true }, tags: { type: ['list', 'string'], optional: true } },
            block_types: { cpu: { nesting_mode: 'list', max_items: 1, block: { attributes: { cores: { type: 'number', optional: true } } } } },
          },
        },
      },
    },
  },
};

function protoFile(name: string): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}

function clients(address: string): { provider: grpc.Client & Record<string, grpc.requestCallback<unknown> | unknown>; controller: grpc.Client } {
  const options: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true };
  const tf = grpc.loadPackageDefinition(protoLoader.loadSync(protoFile('tfplugin6.proto'), options)).tfplugin6 as grpc.GrpcObject;
  const plugin = grpc.loadPackageDefinition(protoLoader.loadSync(protoFile('goPlugin.proto'), options)).plugin as grpc.GrpcObject;
  const Provider = tf.Provider as grpc.ServiceClientConstructor;
  const Controller = plugin.GRPCController as grpc.ServiceClientConstructor;
  return {
    provider: new Provider(`unix://${address}`, grpc.credentials.createInsecure()) as never,
    controller: new Controller(`unix://${address}`, grpc.credentials.createInsecure()),
  };
}

function call<T>(client: grpc.Client, method: string, request: unknown = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    (client as unknown as Record<string, (r: unknown, cb: (e: Error | null, v: T) => void) => void>)[method]!.call(client, request, (error, value) => (error ? reject(error) : resolve(value)));
  });
}

let provider: SchemaProvider | undefined;
afterEach(() => {
  provider?.dispose();
  provider = undefined;
});

describe('prepareSchemaProvider', () => {
  it('writes an executable wrapper, the schema answer and a CLI config with dev_overrides to its directory; dispose() removes it', () => {
    provider = prepareSchemaProvider(DOC);
    const wrapper = readFileSync(`${provider.dir}/terraform-provider-proxmox`, 'utf8');
    expect(wrapper.startsWith('#!/bin/sh\nexec ')).toBe(true);
    expect(wrapper).toContain(shellQuote(`${provider.dir}/schema-answer.json`));
    expect(readFileSync(provider.env.TF_CLI_CONFIG_FILE!, 'utf8')).toBe(cliConfig(provider.dir));
    expect(cliConfig('/x/y')).toBe('provider_installation {\n  dev_overrides {\n    "bpg/proxmox" = "/x/y"\n  }\n  direct {}\n}\n');
    expect(provider.env).toMatchObject({ TF_DISABLE_PLUGIN_TLS: '1' });
    expect(provider.env.TF_DATA_DIR!.startsWith(provider.dir)).toBe(true);
    const dir = provider.dir;
    provider.dispose();
    provider = undefined;
    expect(existsSync(dir)).toBe(false);
  });

  it('quotes any path for /bin/sh', () => {
    expect(shellQuote("/tmp/it's here")).toBe(`'/tmp/it'\\''s here'`);
  });

  it('starts a process that shakes hands, serves the schema over gRPC and stops on Shutdown', async () => {
    provider = prepareSchemaProvider(DOC);
    const child = spawn(`${provider.dir}/terraform-provider-proxmox`, [], { env: { ...process.env, ...COOKIE, ...provider.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const handshake = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const [core, protocol, network, address, kind] = handshake.split('|');
    expect([core, protocol, network, kind]).toEqual(['1', '6', 'unix', 'grpc']);

    const { provider: client, controller } = clients(address!);
    const answer = await call<{
      provider: { block: { attributes: Array<{ name: string; type: Buffer; optional: boolean }> } };
      resource_schemas: Record<string, { block: { attributes: Array<{ name: string; type: Buffer; required: boolean }>; block_types: Array<{ type_name: string; nesting: string; max_items: number }> } }>;
    }>(client, 'GetProviderSchema');
    expect(answer.provider.block.attributes.map((a) => [a.name, a.type.toString(), a.optional])).toEqual([['endpoint', '"string"', true]]);
    const vm = answer.resource_schemas.proxmox_virtual_environment_vm!;
    expect(vm.block.attributes.map((a) => [a.name, a.type.toString(), a.required])).toEqual([
      ['node_name', '"string"', true],
      ['tags', '["list","string"]', false],
    ]);
    expect(vm.block.block_types.map((b) => [b.type_name, b.nesting, b.max_items])).toEqual([['cpu', 'LIST', 1]]);
    await expect(call<{ diagnostics: unknown[] }>(client, 'ValidateResourceConfig')).resolves.toEqual({ diagnostics: [] });
    await expect(call<{ diagnostics: unknown[] }>(client, 'ValidateProviderConfig')).resolves.toEqual({ diagnostics: [] });

    await call(controller, 'Shutdown');
    client.close();
    controller.close();
    expect(await exited).toBe(0);
    expect(existsSync(address!)).toBe(false);
  });

  it('does not outlive the process that started it (terraform killed outright)', async () => {
    provider = prepareSchemaProvider(DOC);
    // A shell stands for terraform: it starts the provider in the background, prints its pid, and is killed.
    const host = spawn('/bin/sh', ['-c', `${shellQuote(`${provider.dir}/terraform-provider-proxmox`)} & echo $!; wait`], {
      env: { ...process.env, ...COOKIE, ...provider.env },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const lines = createInterface({ input: host.stdout });
    const seen: string[] = [];
    await new Promise<void>((resolve) => lines.on('line', (line) => (seen.push(line), seen.length === 2 && resolve())));
    const pid = Number(seen[0]);
    expect(seen[1]).toMatch(/^1\|6\|unix\|/);
    host.kill('SIGKILL');
    const alive = (): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await expect.poll(alive, { timeout: 10_000, interval: 100 }).toBe(false);
  });

  it('says what it is, and exits 1, when started by hand (no go-plugin cookie)', async () => {
    provider = prepareSchemaProvider(DOC);
    const env = { ...process.env, ...provider.env };
    delete env.TF_PLUGIN_MAGIC_COOKIE;
    const child = spawn(`${provider.dir}/terraform-provider-proxmox`, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/schema-only Terraform provider of proxmox-mpc.*not meant to be run by hand/);
  });
});
