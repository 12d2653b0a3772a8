// The stored shape of a layer version. Immutable once published, except for its resource policy
// and the `deleted` mark that DeleteLayerVersion sets (migrations/005_layers.sql says why).
import type { PolicyStatement } from '../functions/model.js';

/** Layer-version permissions are statements of the same shape as a function's policy. */
export type LayerStatement = PolicyStatement;

export interface LayerVersionRecord {
  readonly layerName: string;
  readonly version: number;
  readonly description: string;
  readonly licenseInfo: string | undefined;
  /** Undefined when PublishLayerVersion had none: the responses then leave the member out. */
  readonly compatibleRuntimes: readonly string[] | undefined;
  readonly compatibleArchitectures: readonly string[] | undefined;
  /** Hex SHA-256 of the .zip: the key of the content-addressed code store. */
  readonly codeSha256Hex: string;
  /** Bytes of the .zip (Content.CodeSize, and a function's Layers[].CodeSize). */
  readonly codeSize: number;
  /** Bytes of the unpacked tree, for the 250 MB quota of a function plus its layers. */
  readonly unzippedSize: number;
  readonly createdDate: string;
  readonly policyStatements: readonly LayerStatement[];
  /** Undefined until the first AddLayerVersionPermission. */
  readonly policyRevisionId: string | undefined;
  /** DeleteLayerVersion was called: invisible to the API, still run by the functions that use it. */
  readonly deleted: boolean;
}
