// Prepares the schema-only bpg/proxmox provider for one Terraform run: a temporary directory
// with an executable `terraform-provider-proxmox` (a #!/bin/sh wrapper that runs server.ts's
// process with Node), the GetProviderSchema answer it serves, and a CLI config whose
// `dev_overrides` points Terraform at that directory. With the environment returned here,
// `terraform validate` works with no `terraform init` and no registry (offline, in CI).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type JsonProvidersSchema, providerSchemaResponse } from './schema.js';

export const BPG_PROVIDER_SOURCE = 'bpg/proxmox';
export const BPG_PROVIDER_ADDRESS = 'registry.terraform.io/bpg/proxmox';

export interface SchemaProvider {
  /** The directory holding the wrapper, the schema answer and the CLI config. */
  dir: string;
  /** The variables to run terraform with (on top of the caller's environment). */
  env: Record<string, string>;
  /** Removes the directory. */
  dispose(): void;
}

/** How the provider process is started: the bundle's dist/tf-schema-provider.js with plain
 * Node, or (from the sources, in development and tests) server.ts through tsx's loader. */
export function providerCommand(from: string = import.meta.url): string[] {
  const bundled = ['./tf-schema-provider.js', '../tf-schema-provider.js']
    .map((relative) => fileURLToPath(new URL(relative, from)))
    .find((path) => existsSync(path));
  if (bundled !== undefined) return [process.execPath, bundled];
  const source = fileURLToPath(new URL('./server.ts', from));
  if (existsSync(source)) {
    const tsx = createRequire(from).resolve('tsx');
    return [process.execPath, '--import', pathToFileURL(tsx).href, source];
  }
  throw new Error(`proxmox-mpc is incomplete: the schema-only Terraform provider (tf-schema-provider.js) is missing next to ${fileURLToPath(from)}; reinstall it`);
}

/** A word for /bin/sh, single-quoted. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** A string in HCL (the CLI config file). */
function hclString(value: string): string {
  return JSON.stringify(value).replaceAll('${', '$${').replaceAll('%{', '%%{');
}

/** The CLI config that sends bpg/proxmox to `dir` and everything else to the registry. */
export function cliConfig(dir: string): string {
  return `provider_installation {
  dev_overrides {
    ${hclString(BPG_PROVIDER_SOURCE)} = ${hclString(dir)}
  }
  direct {}
}
`;
}

/** Writes the provider's directory. `schema` is a `terraform providers schema -json` document
 * holding registry.terraform.io/bpg/proxmox. Call dispose() when terraform has exited. */
export function prepareSchemaProvider(schema: JsonProvidersSchema, parent: string = tmpdir()): SchemaProvider {
  const answer = providerSchemaResponse(schema, BPG_PROVIDER_ADDRESS);
  const command = providerCommand();
  const dir = mkdtempSync(join(parent, 'pmc-tf-validate-'));
  try {
    const answerFile = join(dir, 'schema-answer.json');
    writeFileSync(answerFile, JSON.stringify(answer));
    const wrapper = join(dir, 'terraform-provider-proxmox');
    writeFileSync(wrapper, `#!/bin/sh\nexec ${[...command, answerFile].map(shellQuote).join(' ')}\n`, { mode: 0o755 });
    const configFile = join(dir, 'terraform.rc');
    writeFileSync(configFile, cliConfig(dir));
    const dataDir = join(dir, 'data');
    return {
      dir,
      env: {
        TF_CLI_CONFIG_FILE: configFile,
        // go-plugin's AutoMTLS is for real providers; the stub serves plain gRPC on a unix socket.
        TF_DISABLE_PLUGIN_TLS: '1',
        // Anything terraform would keep (there should be nothing) goes here, not in the user's dir.
        TF_DATA_DIR: dataDir,
        TF_IN_AUTOMATION: '1',
        CHECKPOINT_DISABLE: '1',
      },
      dispose: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
