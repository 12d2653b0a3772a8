// TypeBox schemas shared by the control-plane routes: request members as the service model names
// them, and the response shapes (open objects, so members added later are not dropped).
import { Type, type TObject, type TProperties } from '@sinclair/typebox';

const open = <T extends TProperties>(props: T, $id?: string): TObject<T> =>
  Type.Object(props, { additionalProperties: true, ...($id && { $id }) });

export const FunctionNameParams = Type.Object({ FunctionName: Type.String() });
export const AliasParams = Type.Object({ FunctionName: Type.String(), Name: Type.String() });
export const QualifierQuery = Type.Object({ Qualifier: Type.Optional(Type.String()) });
export const PagingQuery = Type.Object({
  Marker: Type.Optional(Type.String()),
  MaxItems: Type.Optional(Type.String()),
});

export const Environment = Type.Object({ Variables: Type.Optional(Type.Record(Type.String(), Type.String())) });

/** The service model's ImageConfig: overrides of a container image's ENTRYPOINT, CMD and WORKDIR. */
export const ImageConfig = Type.Object({
  EntryPoint: Type.Optional(Type.Array(Type.String())),
  Command: Type.Optional(Type.Array(Type.String())),
  WorkingDirectory: Type.Optional(Type.String()),
});

/** Members shared by CreateFunction and UpdateFunctionConfiguration. */
export const ConfigMembers = {
  Runtime: Type.Optional(Type.String()),
  Role: Type.Optional(Type.String()),
  Handler: Type.Optional(Type.String()),
  Description: Type.Optional(Type.String()),
  Timeout: Type.Optional(Type.Integer()),
  MemorySize: Type.Optional(Type.Integer()),
  Environment: Type.Optional(Environment),
  EphemeralStorage: Type.Optional(Type.Object({ Size: Type.Integer() })),
  Layers: Type.Optional(Type.Array(Type.String())),
  TracingConfig: Type.Optional(Type.Object({ Mode: Type.Optional(Type.String()) })),
  DeadLetterConfig: Type.Optional(Type.Object({ TargetArn: Type.Optional(Type.String()) })),
  KMSKeyArn: Type.Optional(Type.String()),
  LoggingConfig: Type.Optional(
    Type.Object({ LogFormat: Type.Optional(Type.String()), LogGroup: Type.Optional(Type.String()) }),
  ),
  ImageConfig: Type.Optional(ImageConfig),
};

export const CodeMembers = {
  ZipFile: Type.Optional(Type.String({ description: 'base64 of the .zip deployment package' })),
  S3Bucket: Type.Optional(Type.String()),
  S3Key: Type.Optional(Type.String()),
  S3ObjectVersion: Type.Optional(Type.String()),
  ImageUri: Type.Optional(Type.String({ description: 'a container image reference, for PackageType Image (any well-formed Docker reference: no ECR here)' })),
};

/** GetFunction's Code (FunctionCodeLocation): Location for a .zip; ImageUri and ResolvedImageUri for an image. */
export const FunctionCodeLocation = open({
  RepositoryType: Type.String(),
  Location: Type.Optional(Type.String()),
  ImageUri: Type.Optional(Type.String()),
  ResolvedImageUri: Type.Optional(Type.String()),
});

export const FunctionConfiguration = open(
  {
    FunctionName: Type.String(),
    FunctionArn: Type.String(),
    Runtime: Type.Optional(Type.String()),
    Role: Type.String(),
    Handler: Type.Optional(Type.String()),
    CodeSize: Type.Integer(),
    Description: Type.String(),
    Timeout: Type.Integer(),
    MemorySize: Type.Integer(),
    LastModified: Type.String(),
    CodeSha256: Type.String(),
    Version: Type.String(),
    RevisionId: Type.String(),
    // Absent from list entries, as AWS's ListFunctions / ListVersionsByFunction answer them.
    State: Type.Optional(Type.String()),
    LastUpdateStatus: Type.Optional(Type.String()),
    PackageType: Type.String(),
    ImageConfigResponse: Type.Optional(open({ ImageConfig: Type.Optional(ImageConfig) })),
  },
  'FunctionConfiguration',
);

export const AliasConfiguration = open(
  {
    AliasArn: Type.String(),
    Name: Type.String(),
    FunctionVersion: Type.String(),
    Description: Type.String(),
    RoutingConfig: Type.Optional(
      Type.Object({ AdditionalVersionWeights: Type.Optional(Type.Record(Type.String(), Type.Number())) }),
    ),
    RevisionId: Type.String(),
  },
  'AliasConfiguration',
);

export const Tags = Type.Record(Type.String(), Type.String());
export const Empty = Type.Null({ description: 'No content' });
export { open };
