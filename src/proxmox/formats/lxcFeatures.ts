// lxc `features`: `nesting=1,keyctl=1`, `mount=nfs;cifs`.
import { propertyStringCodec } from './codec.js';
import { semicolonListCodec } from './lists.js';
import { LXC_FEATURES_FORMAT } from './schema.js';

export interface LxcFeatures {
  nesting?: boolean;
  keyctl?: boolean;
  fuse?: boolean;
  mknod?: boolean;
  force_rw_sys?: boolean;
  /** File system types the container may mount (`nfs`, `cifs`). */
  mount?: string[];
}

export const lxcFeaturesCodec = propertyStringCodec<LxcFeatures>(LXC_FEATURES_FORMAT, {
  fields: { mount: semicolonListCodec() },
});

export function parseLxcFeatures(input: string): LxcFeatures {
  return lxcFeaturesCodec.parse(input);
}

export function printLxcFeatures(features: LxcFeatures): string {
  return lxcFeaturesCodec.print(features);
}
