// The schema-only provider process: what Terraform starts as `terraform-provider-proxmox`
// (through the wrapper schemaProvider.ts writes) so that `terraform validate` works offline.
// It speaks go-plugin's handshake without TLS (TF_DISABLE_PLUGIN_TLS=1) and serves, on a unix
// socket, the GetProviderSchema answer it is given (a JSON file, argv[2]) and empty answers to
// the Validate*Config calls: Terraform itself then checks the configuration against the schema
// (names, required arguments, nesting, block counts, types). Provider-side value validators are
// not run; the TypeScript schema check covers those.
//
// Usage: node server.js <schema-answer.json>   (started by Terraform, never by hand)
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** go-plugin's magic cookie for Terraform providers: set by Terraform when it starts one. */
const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';

/** The .proto files: next to this module in the sources, and next to the bundle in dist/
 * (scripts/build.mjs copies them into dist/stubProvider/). */
function protoPath(name: string): string {
  const tried = [`./${name}`, `./stubProvider/${name}`].map((relative) => fileURLToPath(new URL(relative, import.meta.url)));
  const found = tried.find((path) => existsSync(path));
  if (found === undefined) throw new Error(`proxmox-mpc is incomplete: ${name} not found (looked in ${tried.join(', ')}); reinstall it`);
  return found;
}

type Handler = grpc.handleUnaryCall<unknown, unknown>;

function main(argv: string[]): void {
  if (process.env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    process.stderr.write('This is the schema-only Terraform provider of proxmox-mpc: Terraform starts it during `proxmox-mpc validate`; it is not meant to be run by hand.\n');
    process.exit(1);
  }
  const answerFile = argv[2];
  if (answerFile === undefined) {
    process.stderr.write('usage: server <GetProviderSchema answer as JSON>\n');
    process.exit(1);
  }
  const schemaAnswer: unknown = JSON.parse(readFileSync(answerFile, 'utf8'));

  const options: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: false };
  const tfplugin6 = grpc.loadPackageDefinition(protoLoader.loadSync(protoPath('tfplugin6.proto'), options)).tfplugin6 as grpc.GrpcObject;
  const plugin = grpc.loadPackageDefinition(protoLoader.loadSync(protoPath('goPlugin.proto'), options)).plugin as grpc.GrpcObject;
  const providerService = (tfplugin6.Provider as grpc.ServiceClientConstructor).service;
  const controllerService = (plugin.GRPCController as grpc.ServiceClientConstructor).service;

  const socketDir = mkdtempSync(join(tmpdir(), 'pmc-tfprovider-'));
  const socketPath = join(socketDir, 'plugin.sock');
  const server = new grpc.Server();
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.tryShutdown(() => {
      rmSync(socketDir, { recursive: true, force: true });
      process.exit(0);
    });
    // A call that never ends must not keep the process: Terraform is waiting for it to exit.
    setTimeout(() => {
      server.forceShutdown();
      rmSync(socketDir, { recursive: true, force: true });
      process.exit(0);
    }, 1000).unref();
  };

  const noDiagnostics: Handler = (_call, callback) => callback(null, { diagnostics: [] });
  server.addService(providerService, {
    GetProviderSchema: ((_call, callback) => callback(null, schemaAnswer)) satisfies Handler,
    ValidateProviderConfig: noDiagnostics,
    ValidateResourceConfig: noDiagnostics,
    ValidateDataResourceConfig: noDiagnostics,
  });
  server.addService(controllerService, {
    Shutdown: ((_call, callback) => {
      callback(null, {});
      setImmediate(stop);
    }) satisfies Handler,
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, stop);
  // Terraform killed outright cannot ask us to stop: do not outlive it.
  const parent = process.ppid;
  setInterval(() => {
    try {
      // Re-parented (to init or a subreaper) once it is gone, even before it is reaped.
      if (process.ppid !== parent) throw new Error('parent gone');
      process.kill(parent, 0);
    } catch {
      stop();
    }
  }, 1000).unref();

  server.bindAsync(`unix://${socketPath}`, grpc.ServerCredentials.createInsecure(), (error) => {
    if (error) {
      process.stderr.write(`schema-only provider: cannot listen on ${socketPath}: ${error.message}\n`);
      rmSync(socketDir, { recursive: true, force: true });
      process.exit(1);
    }
    // go-plugin's handshake: core protocol 1, plugin protocol 6, network, address, protocol.
    process.stdout.write(`1|6|unix|${socketPath}|grpc\n`);
  });
}

main(process.argv);
